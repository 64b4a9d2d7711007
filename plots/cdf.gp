# cdf: the distribution of a value per variant, as an empirical cumulative distribution
# function: for each value x, the fraction of observations (connections, or runs) at
# or below x, drawn as steps in the variant's colour.
#
# synack copies this text into figures/NAME.gp after the settings it expects:
#   datafile                  data block i-1 holds one variant's steps: value fraction
#   n_series                  the number of blocks (variants)
#   series_title[i], series_color[i], series_dash[i]   per block, i from 1
#   plot_title, plot_xlabel, plot_ylabel, logx, logy
#   out_png, out_svg          image files to write ('' for none)
set encoding utf8
set title plot_title noenhanced
set xlabel plot_xlabel noenhanced
set ylabel plot_ylabel noenhanced
set key noenhanced below
set grid
set yrange [0:1.05]
set autoscale xfix
set offsets graph 0.02, graph 0.02, 0, 0
if (logx) { set logscale x }
if (logy) { set logscale y; set yrange [*:1.05] }
draw = "plot for [i=1:n_series] datafile index (i-1) using 1:2 with steps lw 2 dt series_dash[i] lc rgb (series_color[i]) title (series_title[i])"
if (out_png ne '') { set terminal pngcairo size 960,600 font ',12' noenhanced; set output out_png; eval draw; unset output }
if (out_svg ne '') { set terminal svg size 960,600 dynamic font 'sans,12' noenhanced background rgb 'white'; set output out_svg; eval draw; unset output }
