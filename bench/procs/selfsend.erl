%% Peer of selfsend.s: one process sends itself a message and takes it back,
%% 1,000,000 times.
-module(selfsend).
-export([main/0]).

loop(N, N, Sum) -> Sum;
loop(I, N, Sum) ->
    self() ! I,
    receive M -> loop(I + 1, N, Sum + M) end.

main() ->
    io:format("~p~n", [loop(0, 1000000, 0)]),
    halt().
