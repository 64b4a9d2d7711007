# bars: one metric across variants. For each variant, the mean of the metric over the
# replications as a bar and the 95 % confidence interval of that mean as an error bar,
# in the variant's colour; the variants' names label the x axis.
#
# synack copies this text into figures/NAME.gp after the settings it expects:
#   datafile                  data block i-1 holds one row: variant mean ci95 n
#   n_series                  the number of blocks (bars)
#   series_title[i], series_color[i], series_dash[i]   per block, i from 1
#   plot_title, plot_xlabel, plot_ylabel, logx, logy
#   out_png, out_svg          image files to write ('' for none)
set encoding utf8
set title plot_title noenhanced
set xlabel plot_xlabel noenhanced
set ylabel plot_ylabel noenhanced
set style fill solid 0.75 border -1
set boxwidth 0.6
set xtics noenhanced nomirror rotate by -30
set offsets 0.5, 0.5, graph 0.08, 0
set grid ytics
unset key
if (logy) { set logscale y } else { set yrange [0:*] }
draw = "plot for [i=1:n_series] datafile index (i-1) using (i-1):2:3:xtic(1) with boxerrorbars lc rgb (series_color[i]) notitle"
if (out_png ne '') { set terminal pngcairo size 960,600 font ',12' noenhanced; set output out_png; eval draw; unset output }
if (out_svg ne '') { set terminal svg size 960,600 dynamic font 'sans,12' noenhanced background rgb 'white'; set output out_svg; eval draw; unset output }
