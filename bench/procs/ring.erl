%% Peer of ring.s: a ring of 10,000 processes (plus main) passing a token
%% 100 laps; each node forwards what it gets and stops after -1.
-module(ring).
-export([main/0, relay/1]).

relay(Next) ->
    receive
        T ->
            Next ! T,
            if T >= 0 -> relay(Next); true -> ok end
    end.

laps(_Head, L, L) -> L;
laps(Head, I, L) ->
    Head ! I,
    receive _ -> ok end,
    laps(Head, I + 1, L).

main() ->
    Head = lists:foldl(fun(_, Prev) -> spawn(ring, relay, [Prev]) end, self(), lists:seq(1, 10000)),
    Laps = laps(Head, 0, 100),
    Head ! -1,
    receive _ -> ok end,
    io:format("~p~n", [Laps]),
    halt().
