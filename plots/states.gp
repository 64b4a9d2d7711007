# states: how many connections are in each TCP state over time. One line per variant
# and state: the count at each sample time, averaged over the replications, in the
# variant's colour with one dash pattern per state.
#
# synack copies this text into figures/NAME.gp after the settings it expects:
#   datafile                  data block i-1 holds one (variant, state): time connections
#   n_series                  the number of blocks (lines)
#   series_title[i], series_color[i], series_dash[i]   per block, i from 1
#   plot_title, plot_xlabel, plot_ylabel, logx, logy
#   out_png, out_svg          image files to write ('' for none)
set encoding utf8
set title plot_title noenhanced
set xlabel plot_xlabel noenhanced
set ylabel plot_ylabel noenhanced
set key noenhanced below
set grid
set autoscale xfix
set offsets 0, 0, graph 0.05, 0
if (logx) { set logscale x }
if (logy) { set logscale y } else { set yrange [0:*] }
draw = "plot for [i=1:n_series] datafile index (i-1) using 1:2 with lines lw 2 dt series_dash[i] lc rgb (series_color[i]) title (series_title[i])"
if (out_png ne '') { set terminal pngcairo size 960,600 font ',12' noenhanced; set output out_png; eval draw; unset output }
if (out_svg ne '') { set terminal svg size 960,600 dynamic font 'sans,12' noenhanced background rgb 'white'; set output out_svg; eval draw; unset output }
