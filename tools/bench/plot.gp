# plot.gp: PSNR against bpppb for one dataset, one colour per tool.
# Called by vidcube-bench as
#   gnuplot -e "datafile='X.dat'; outfile='X.png'; plottitle='...'; tools='a b c'" plot.gp
# X.dat holds two blocks per tool, in the order of `tools`, separated by two
# blank lines: every measured run ("bpppb psnr_db" per line), then the
# tool's rate-distortion front, which is what the table interpolates.
set terminal pngcairo size 960,640 font ",11"
set termoption noenhanced
set output outfile
set title plottitle
set logscale x
set xrange [0.03:8]
set yrange [0:*]
set xtics (0.05, 0.1, 0.25, 0.5, 1, 2, 4)
set xlabel "bits per value (bpppb), all stored bytes"
set ylabel "PSNR (dB), peak = max - min of valid values"
set grid xtics ytics
set key bottom right
# The 0.1-2 bpppb window of the table.
set arrow from 0.1, graph 0 to 0.1, graph 1 nohead dt 3 lc rgb "gray50"
set arrow from 2, graph 0 to 2, graph 1 nohead dt 3 lc rgb "gray50"
plot for [i=1:words(tools)] datafile index (2*i-1) using 1:2 \
         with linespoints lw 2 pt (i+3) lc i title word(tools, i), \
     for [i=1:words(tools)] datafile index (2*i-2) using 1:2 \
         with points pt (i+3) lc i notitle
