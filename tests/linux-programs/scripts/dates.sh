# date with fixed inputs only (never the clock): epoch seconds, arithmetic on
# them, formats, parsing a date string back to seconds, leap years, weekdays.
date -u -d @0
date -u -d @1700000000
date -u -d @$((1700000000 + 86400 * 45)) '+%Y-%m-%d %H:%M:%S'
date -u -d @1709164800 '+%F is day %j, a %A, week %U, %B'
date -u -d '2024-02-28 12:00:00' +%s
date -u -d @$(( $(date -u -d '2024-03-01 00:00:00' +%s) - 86400 )) +%F
date -u -d @2147483647 '+%c'
date -u -d @-86400 '+%F %T'
date -u -d '2000-01-01 00:00' '+%s %a %b %e %y %I %p %Z %z'
date -u -D '%d/%m/%Y' -d 25/12/2023 '+%A'
for y in 1900 2000 2023 2024; do echo "$y-02-29 -> $(date -u -d "$y-02-29 00:00" +%F 2>&1)"; done
