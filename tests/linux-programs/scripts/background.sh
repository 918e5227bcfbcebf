# Background jobs: $! and wait for one job and its status, waiting for all, and
# output ordered by waiting rather than by scheduling.
(echo first > bg1.txt; exit 3) &
p1=$!
(sleep 0.1; echo second > bg2.txt) &
wait $p1; echo "job 1 status $?"
wait; echo "all waited: $(cat bg1.txt bg2.txt | tr '\n' ' ')"
for i in 1 2 3 4; do (echo "worker $i" > w$i.txt) & done
wait
cat w1.txt w2.txt w3.txt w4.txt
sleep 5 & k=$!
kill $k; wait $k; echo "killed job status $?"
