# docs/builtins.md -> a C table { "Name", "signature line" } for
# `stoffel-run --list-builtins` (run by the Makefile at build time).
# An entry's line is its backticked signature when it has one
# (`Rbc.receive(from_party: I64, ...) -> String`), otherwise
# NAME(arguments) -> result built from its "- Arguments:" and "- Result:"
# bullets (the first sentence of each).
function clean(s) {
    gsub(/`/, "", s); gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s)
    gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s)
    return s
}
function first_sentence(s) {
    if (match(s, /\.( |$)/)) s = substr(s, 1, RSTART - 1)
    if (length(s) > 110) s = substr(s, 1, 107) "..."
    return s
}
function flush() {
    if (name == "") return
    if (sig == "") {
        a = first_sentence(clean(args)); r = first_sentence(clean(result))
        if (a == "none" || a == "") a = ""
        sig = r != "" ? name "(" a ") -> " r : name ": " a
    }
    printf "    { \"%s\", \"%s\" },\n", name, sig
    name = ""
}
BEGIN { print "/* generated from docs/builtins.md by scripts/gen-builtin-docs.awk: do not edit */"
        print "static const struct { const char *name, *line; } BUILTIN_DOCS[] = {" }
/^### / { flush(); name = substr($0, 5); sub(/[ \t\r]+$/, "", name); sig = ""; args = ""; result = ""; cur = ""; seen = 0; next }
/^#/ { flush(); next }
name != "" {
    if (!seen && index($0, "`" name "(") == 1) {
        # the backticked signature, then the head of a result given after it
        rest = substr($0, 2); close_at = index(rest, "`")
        line = substr(rest, 1, close_at - 1); rest = substr(rest, close_at + 1)
        sub(/: .*$/, "", rest)
        sig = clean(line first_sentence(rest)); seen = 1; next
    }
    if ($0 ~ /^- Arguments, result/) { args = substr($0, index($0, ":") + 2); next }
    if ($0 ~ /[^ \t]/) seen = 1
    if ($0 ~ /^- Arguments:/) { cur = "a"; args = substr($0, 14); next }
    if ($0 ~ /^- Result:/) { cur = "r"; result = substr($0, 10); next }
    if ($0 ~ /^- /) { cur = ""; next }
    if ($0 ~ /^  / && cur == "a") { args = args " " $0; next }
    if ($0 ~ /^  / && cur == "r") { result = result " " $0; next }
    cur = ""
}
END { flush(); print "    { 0, 0 }"; print "};" }
