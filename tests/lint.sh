#!/bin/sh
# tests/lint.sh - the bans of STYLE.md, checked on every `make test`.
# Fails (exit 1) listing each offending line.
cd "$(dirname "$0")/.." || exit 2
status=0

ban() {	# ban <description> <extended regex> <files...>
	what=$1 re=$2
	shift 2
	hits=$(grep -nE "$re" "$@" 2>/dev/null | grep -v 'lint: allow')
	if [ -n "$hits" ]; then
		printf 'lint: %s\n%s\n' "$what" "$hits"
		status=1
	fi
}

csrc=$(ls lib/*.c lib/*.h cgi-bin/*.c)
ban "sprintf/vsprintf (use snprintf or buf_printf)" '(^|[^n])v?sprintf[[:space:]]*\(' $csrc
ban "strcpy/strcat (use snprintf or buf_*)" '\bstr(cpy|cat)[[:space:]]*\(' $csrc
ban "atoi/atol (use parse_int64)" '\bato(i|l|ll)[[:space:]]*\(' $csrc
ban "gets" '\bgets[[:space:]]*\(' $csrc
ban "FCGX_FPrintF (drops %zu)" 'FCGX_[VF]*FPrintF' $csrc
ban "system/popen (no shell-outs)" '\b(system|popen)[[:space:]]*\(' $csrc
ban "cJSON_GetObjectItem (case-insensitive)" 'cJSON_GetObjectItem[[:space:]]*\(' $csrc
pq=$(ls lib/*.c cgi-bin/*.c | grep -v '^lib/db\.c$')
ban "PQexec outside lib/db.c" '\bPQexec(Params)?[[:space:]]*\(' $pq
fc=$(ls lib/*.c lib/*.h cgi-bin/*.c | grep -v '^lib/req\.c$')
ban "fcgiapp.h outside lib/req.c" 'fcgiapp\.h' $fc
cs=$(ls lib/*.c lib/*.h cgi-bin/*.c | grep -v '^lib/tmpl\.c$')
ban "ClearSilver outside lib/tmpl.c" 'ClearSilver\.h' $cs
# Non-literal formats are refused by the compiler: -Wformat=2 -Werror with
# format(printf) on every printf-like lib/ function.
tm=$(ls templates/*.cs)
ban "alt:/uvar:/escape: in templates (unescaped output)" '<\?cs[[:space:]]*(alt|uvar|escape)[[:space:]]*:' $tm
ban "inline style or script in templates (CSP)" '(style=|<script|<style)' $tm
ban "query text outside lib/db_stmts.c" '"(SELECT|INSERT|UPDATE|DELETE) ' $(ls lib/*.c cgi-bin/*.c | grep -v '^lib/db_stmts\.c$')
[ $status -eq 0 ] && echo "lint... ok" || echo "lint... FAIL"
exit $status
