%% Peer of empty.s: start the runtime and stop.
-module(empty).
-export([main/0]).

main() -> io:format("0~n"), halt().
