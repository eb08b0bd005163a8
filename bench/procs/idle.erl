%% Peer of idle.s: 100,000 processes waiting in receive.
-module(idle).
-export([main/0, waiter/0]).

waiter() -> receive X -> X end.

main() ->
    [spawn(idle, waiter, []) || _ <- lists:seq(1, 100000)],
    receive after 1 -> ok end,
    io:format("~p~n", [length(processes())]),
    halt().
