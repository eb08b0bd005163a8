%% Peer of pingpong.s: two processes bounce a counter 500,000 times each
%% way (1,000,000 messages); the echo stops after -1.
-module(pingpong).
-export([main/0, echo/1]).

echo(Parent) ->
    receive
        M ->
            Parent ! M,
            if M >= 0 -> echo(Parent); true -> ok end
    end.

loop(_Echo, N, N) -> N;
loop(Echo, I, N) ->
    Echo ! I,
    receive _ -> loop(Echo, I + 1, N) end.

main() ->
    Echo = spawn(pingpong, echo, [self()]),
    Laps = loop(Echo, 0, 499999),
    Echo ! -1,
    receive _ -> ok end,
    io:format("~p~n", [Laps + 1]),
    halt().
