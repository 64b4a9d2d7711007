# One metric across an experiment's variants: the mean over replications as a bar, the
# 95 % confidence interval as an error bar, read from a run's summary.csv.
#   gnuplot -e "summary='DIR/summary.csv'; metric='wasted_connections'; out='DIR/x.png'" \
#           plots/variant_bars.gp
# summary.csv columns: variant,metric,unit,n,mean,sd,ci95,min,max (ci95 empty when n < 2).
if (!exists("summary") || !exists("metric") || !exists("out")) {
  print "variant_bars.gp: set summary, metric and out (see the comment at the top)"
  exit status 2
}
set datafile separator ','
rows = sprintf("< awk -F, -v m='%s' 'NR > 1 && $2 == m' '%s'", metric, summary)
found = system(sprintf("awk -F, -v m='%s' 'NR > 1 && $2 == m' '%s' | wc -l", metric, summary))
if (found + 0 == 0) {
  print sprintf("variant_bars.gp: no metric '%s' in %s", metric, summary)
  exit status 1
}
unit = system(sprintf("awk -F, -v m='%s' 'NR > 1 && $2 == m {print $3; exit}' '%s'", metric, summary))
set terminal pngcairo size 800,480 font ',11'
set output out
set title sprintf("%s by variant (mean and 95%% CI over replications)", metric) noenhanced
set ylabel sprintf("%s (%s)", metric, unit) noenhanced
set xtics noenhanced rotate by -30
set style fill solid 0.6 border -1
set boxwidth 0.6
set offsets 0.5, 0.5, 0, 0
set yrange [0:*]
set grid ytics
unset key
plot rows using 0:5:(valid(7) ? $7 : 0):xtic(1) with boxerrorbars lc rgb '#4477aa'
