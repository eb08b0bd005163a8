%% Peer of spawn.s: 100,000 processes that each send one reply to main.
-module(spawn).
-export([main/0, worker/1]).

worker(Parent) -> Parent ! 1.

collect(0, Sum) -> Sum;
collect(N, Sum) -> receive X -> collect(N - 1, Sum + X) end.

main() ->
    Self = self(),
    [spawn(spawn, worker, [Self]) || _ <- lists:seq(1, 100000)],
    io:format("~p~n", [collect(100000, 0)]),
    halt().
