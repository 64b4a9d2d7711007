# The experiment commands as a user runs them: synack run, validate and keys, their exit
# statuses (0 done, a REFUTED verdict included; 1 a run or the output failed; 2 bad usage,
# an invalid file or an unusable output folder) and their messages; the output folder
# (whole or absent, the same whatever the thread count); docs/CONFIG.md kept equal to
# `synack keys --markdown`. Included from tests/CMakeLists.txt.
set(exp_data ${CMAKE_CURRENT_SOURCE_DIR}/data/experiments)
set(exp_out ${CMAKE_CURRENT_BINARY_DIR}/cli-experiments)

# synack_cli_test(NAME STATUS REGEX ARGS...): `synack ARGS...` must exit with STATUS and
# print something matching REGEX ("" for no check). ctest ignores the exit status once a
# PASS_REGULAR_EXPRESSION is set, so expect_exit.sh's complaint is a failure pattern.
function(synack_cli_test name status regex)
  add_test(NAME ${name}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.sh ${status} $<TARGET_FILE:synack> ${ARGN})
  set_tests_properties(${name} PROPERTIES
    FAIL_REGULAR_EXPRESSION "exit status [0-9]+, expected [0-9]+" TIMEOUT 120)
  if(NOT regex STREQUAL "")
    set_tests_properties(${name} PROPERTIES PASS_REGULAR_EXPRESSION "${regex}")
  endif()
endfunction()

# Output folders of the run tests: made fresh before them, removed after.
add_test(NAME cli_experiments_setup
  COMMAND sh -c "rm -rf \"$1\" && mkdir -p \"$1/existing\"" sh ${exp_out})
set_tests_properties(cli_experiments_setup PROPERTIES FIXTURES_SETUP cli_experiments)
add_test(NAME cli_experiments_cleanup COMMAND ${CMAKE_COMMAND} -E rm -rf ${exp_out})
set_tests_properties(cli_experiments_cleanup PROPERTIES FIXTURES_CLEANUP cli_experiments)

string(CONCAT small_out
  "VERDICT small: SUPPORTED \\(two_way\\.conns_opened = 4; three_way\\.conns_opened = 4\\)\n"
  "6 runs \\(6 now\\), [0-9]+ events in [0-9.]+ s; results in [^\n]*/cli-experiments/small\n")
synack_cli_test(cli_run_small 0 "${small_out}" run ${exp_data}/small.ini -o ${exp_out}/small)
synack_cli_test(cli_run_refuted_exits_0 0
  "VERDICT small: REFUTED \\(two_way\\.conns_opened = 4\\)"
  run ${exp_data}/small.ini -o ${exp_out}/refuted --quiet --jobs 2
  --set "verdict.expect=two_way.conns_opened > 4")
synack_cli_test(cli_run_existing_output 2
  "output folder '[^\n]*/cli-experiments/existing' already exists"
  run ${exp_data}/small.ini -o ${exp_out}/existing)
set_tests_properties(cli_run_small cli_run_refuted_exits_0 cli_run_existing_output
  PROPERTIES FIXTURES_REQUIRED cli_experiments)

string(CONCAT invalid_out "bad_unknown_key\\.ini is not a valid experiment:\n"
  "[^\n]*bad_unknown_key\\.ini:5: \\[tcp\\] time_wiat: unknown key; did you mean 'time_wait'\\?")
synack_cli_test(cli_run_invalid_file 2 "${invalid_out}"
  run ${exp_data}/bad_unknown_key.ini -o ${exp_out}/never-invalid)
synack_cli_test(cli_run_missing_file 2 "cannot read config file '[^']*no-such-file\\.ini'"
  run ${exp_data}/no-such-file.ini -o ${exp_out}/never-missing)
synack_cli_test(cli_run_no_argument 2 "synack run: no experiment given" run)
synack_cli_test(cli_run_two_arguments 2 "synack run: one experiment at a time"
  run ${exp_data}/small.ini ${exp_data}/plain.ini)
synack_cli_test(cli_run_unwritable_parent 2 "cannot make folder '/proc/synack-x'"
  run ${exp_data}/small.ini -o /proc/synack-x/out)
synack_cli_test(cli_run_bad_set_syntax 2
  "--set tcp_time_wait=1s: expected section\\.key=value: no '\\.' between section and key"
  run ${exp_data}/small.ini -o ${exp_out}/never-set --set tcp_time_wait=1s)
synack_cli_test(cli_run_bad_set_value 2
  "--set tcp\\.time_wait=soon: \\[tcp\\] time_wait: 'soon' is not a duration"
  run ${exp_data}/small.ini -o ${exp_out}/never-value --set tcp.time_wait=soon)
synack_cli_test(cli_run_unknown_option 2 "synack run: [^\n]*--no-such-option"
  run --no-such-option ${exp_data}/small.ini)
synack_cli_test(cli_run_negative_jobs 2 "--jobs must be >= 1"
  run ${exp_data}/small.ini --jobs -1)
synack_cli_test(cli_run_help 0 "--set=SECTION\\.KEY=VALUE .*Exit status: 0 done" run --help)

synack_cli_test(cli_validate_valid 0 "small\\.ini: valid: 2 variants x 3 replications = 6 runs\n"
  validate ${exp_data}/small.ini)
synack_cli_test(cli_validate_set 0 "plain\\.ini: valid: 1 variant x 5 replications = 5 runs\n"
  validate ${exp_data}/plain.ini --set experiment.replications=5)
synack_cli_test(cli_validate_no_argument 2 "synack validate: give one experiment" validate)
synack_cli_test(cli_validate_empty 2 "empty\\.ini: no \\[experiment\\] section"
  validate ${exp_data}/empty.ini)
# every bad file: exit 2, and the message names the file and a line
file(GLOB bad_experiments CONFIGURE_DEPENDS ${exp_data}/bad_*.ini)
foreach(file IN LISTS bad_experiments)
  get_filename_component(name ${file} NAME_WE)
  synack_cli_test(cli_validate_${name} 2
    "${name}\\.ini is not a valid experiment:\n[^\n]*${name}\\.ini:[0-9]+[: ]" validate ${file})
endforeach()

synack_cli_test(cli_keys_tcp 0 "\\[tcp\\]\n(  [^\n]*\n)*  time_wait +duration " keys tcp)
synack_cli_test(cli_keys_metrics 0 "conns_opened +count " keys metrics)
synack_cli_test(cli_keys_nosuch 2 "synack keys: no section \\[nosuch\\]" keys nosuch)
# the shipped experiments, in name order, and from the folder SYNACK_CONFIG_DIR names
synack_cli_test(cli_list_shipped 0
  "^close [^\n]*\nhandshake [^\n]*\nhandshake_cost [^\n]*\nport_reuse [^\n]*\nsyn_flood_data [^\n]*\nthree_way_close [^\n]*\ntime_wait [^\n]*\ntwo_way_wasted [^\n]*\n$"
  list)
synack_cli_test(cli_list_config_dir 0 "(^|\n)small +[^\n]*\n" list)
set_tests_properties(cli_list_config_dir PROPERTIES ENVIRONMENT SYNACK_CONFIG_DIR=${exp_data})
synack_cli_test(cli_run_name_from_config_dir 0 "VERDICT small: SUPPORTED"
  run small -q -o ${exp_out}/by-name)
set_tests_properties(cli_run_name_from_config_dir PROPERTIES
  ENVIRONMENT SYNACK_CONFIG_DIR=${exp_data} FIXTURES_REQUIRED cli_experiments)

add_test(NAME cli_failed_run_leaves_nothing
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/cli_failed_run.sh $<TARGET_FILE:synack> ${exp_data}
          ${CMAKE_CURRENT_BINARY_DIR}/cli-failed-run)
add_test(NAME cli_run_deterministic_across_jobs
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/cli_deterministic.sh $<TARGET_FILE:synack>
          ${exp_data}/small.ini ${CMAKE_CURRENT_BINARY_DIR}/cli-deterministic)
set_tests_properties(cli_failed_run_leaves_nothing cli_run_deterministic_across_jobs
  PROPERTIES TIMEOUT 300)

# an empirical(FILE) relative to the experiment file, run from another directory
synack_cli_test(cli_run_empirical_from_elsewhere 0 "1 run \\(1 now\\), "
  run ${exp_data}/empirical.ini -o ${exp_out}/empirical)
set_tests_properties(cli_run_empirical_from_elsewhere PROPERTIES
  FIXTURES_REQUIRED cli_experiments)

add_test(NAME config_doc_in_sync
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/compare_output.sh ${PROJECT_SOURCE_DIR}/docs/CONFIG.md
          "regenerate it: synack keys --markdown > docs/CONFIG.md"
          $<TARGET_FILE:synack> keys --markdown)

# what a run records: byte-identical whatever the thread count, and a capture tshark reads
add_test(NAME cli_run_recorded_deterministic_across_jobs
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/cli_deterministic.sh $<TARGET_FILE:synack>
          ${exp_data}/traced.ini ${CMAKE_CURRENT_BINARY_DIR}/cli-recorded-deterministic
          --trace --set trace.replications=2 --set trace.pcap=true --set trace.hosts=all
          --set metrics.states_every=5ms --set metrics.samples=50)
set_tests_properties(cli_run_recorded_deterministic_across_jobs PROPERTIES
  PASS_REGULAR_EXPRESSION "same files: [^\n]*samples\\.csv states\\.csv summary\\.csv trace-base-r0\\.pcap trace-base-r1\\.pcap trace\\.csv")
add_test(NAME cli_run_pcap_read_by_tshark
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/cli_pcap_tshark.sh $<TARGET_FILE:synack> ${exp_data}
          ${CMAKE_CURRENT_BINARY_DIR}/cli-pcap-tshark)
set_tests_properties(cli_run_pcap_read_by_tshark PROPERTIES SKIP_RETURN_CODE 77)
synack_cli_test(cli_run_pcap_no_folder 2
  "synack run: --pcap /nonexistent-synack/x\\.pcap: its folder does not exist"
  run ${exp_data}/traced.ini --pcap /nonexistent-synack/x.pcap)
synack_cli_test(cli_run_trace_bad_hosts 2
  "--set trace\\.hosts=client9: \\[trace\\] hosts: no client9: the topology has 1 clients"
  run ${exp_data}/traced.ini --trace --set trace.hosts=client9)

# Figures: synack run draws the [plot.NAME] sections into DIR/figures/ once the folder
# is complete; synack plot DIR draws them again; without gnuplot the data is all written
# and the figures are said to be skipped (run: exit 0; plot: exit 1).
synack_cli_test(cli_run_plotted 0
  "VERDICT plotted: SUPPORTED[^\n]*\nfigures: [^\n]*/plotted/figures/opened\\.png\nfigures: [^\n]*/plotted/figures/connect_time\\.png\nfigures: [^\n]*/plotted/figures/connect_time\\.svg\nfigures: [^\n]*/plotted/figures/connect_cdf\\.svg\nfigures: [^\n]*/plotted/figures/states\\.png\nfigures: [^\n]*/plotted/figures/states\\.svg\n6 runs"
  run ${exp_data}/plotted.ini -o ${exp_out}/plotted)
set_tests_properties(cli_run_plotted PROPERTIES FIXTURES_REQUIRED cli_experiments
  FIXTURES_SETUP cli_plotted)
synack_cli_test(cli_run_unplotted 0 "" run ${exp_data}/small.ini -q -o ${exp_out}/unplotted)
set_tests_properties(cli_run_unplotted PROPERTIES FIXTURES_REQUIRED cli_experiments
  FIXTURES_SETUP cli_unplotted)

synack_cli_test(cli_plot_folder 0
  "^figures: [^\n]*/plotted/figures/opened\\.png\nfigures: [^\n]*connect_time\\.png\nfigures: [^\n]*connect_time\\.svg\nfigures: [^\n]*connect_cdf\\.svg\nfigures: [^\n]*states\\.png\nfigures: [^\n]*states\\.svg\n$"
  plot ${exp_out}/plotted)
synack_cli_test(cli_plot_only_format 0 "^figures: [^\n]*/plotted/figures/opened\\.svg\n$"
  plot ${exp_out}/plotted --only opened --format svg)
synack_cli_test(cli_plot_unknown_figure 2
  "synack plot: plotted declares no figure 'opend'; did you mean 'opened'\\?"
  plot ${exp_out}/plotted --only opend)
synack_cli_test(cli_plot_bad_format 2 "synack plot: --format is png, svg or both, not 'gif'"
  plot ${exp_out}/plotted --format gif)
synack_cli_test(cli_plot_no_gnuplot 1
  "synack plot: gnuplot not found \\('/nonexistent-synack/gnuplot' is not a program\\): figures skipped[^\n]*apt-get install gnuplot-nox \\(or \\./scripts/setup\\)"
  plot ${exp_out}/plotted --only states)
set_tests_properties(cli_plot_no_gnuplot PROPERTIES
  ENVIRONMENT SYNACK_GNUPLOT=/nonexistent-synack/gnuplot)
set_tests_properties(cli_plot_folder cli_plot_only_format cli_plot_unknown_figure
  cli_plot_bad_format cli_plot_no_gnuplot PROPERTIES FIXTURES_REQUIRED "cli_experiments;cli_plotted")
synack_cli_test(cli_plot_no_figures 0
  "synack plot: [^\n]*/unplotted: its experiment declares no figure"
  plot ${exp_out}/unplotted)
set_tests_properties(cli_plot_no_figures PROPERTIES
  FIXTURES_REQUIRED "cli_experiments;cli_unplotted")
synack_cli_test(cli_plot_missing_folder 2 "synack plot: no output folder '[^']*/no-such-folder'"
  plot ${exp_out}/no-such-folder)
synack_cli_test(cli_plot_not_an_output_folder 2
  "synack plot: '[^']*/data/experiments' is not an output folder of synack run"
  plot ${exp_data})
synack_cli_test(cli_plot_no_argument 2 "synack plot: no output folder given" plot)
# without gnuplot, synack run writes every CSV file and the figures' data and scripts,
# says plainly that the figures were skipped, and exits 0
add_test(NAME cli_run_no_gnuplot
  COMMAND sh -c "SYNACK_GNUPLOT=/nonexistent-synack/gnuplot \"$1\" run \"$2\" -q -o \"$3\" && for f in runs.csv summary.csv states.csv samples.csv figures/opened.dat figures/opened.gp; do test -s \"$3/$f\" || exit 1; done && test ! -e \"$3/figures/opened.png\" && echo all-data-written"
          sh $<TARGET_FILE:synack> ${exp_data}/plotted.ini ${exp_out}/plotted-no-gnuplot)
set_tests_properties(cli_run_no_gnuplot PROPERTIES FIXTURES_REQUIRED cli_experiments
  PASS_REGULAR_EXPRESSION "synack run: gnuplot not found[^\n]*figures skipped[^\n]*apt-get install gnuplot-nox[^\n]*\n(.*\n)?all-data-written")
# a figure of an unknown metric is refused before anything runs
synack_cli_test(cli_run_bad_plot_metric 2
  "bad_plot_metric\\.ini:7: \\[plot\\.wasted\\] y: unknown metric 'wasted_conections'; did you mean 'wasted_connections'\\?"
  run ${exp_data}/bad_plot_metric.ini -o ${exp_out}/never-plot)

# synack trace: ladder diagrams from trace.csv. The fixtures in data/trace/ are copied
# into the build tree first (the command writes figures/ beside trace.csv); the shipped
# handshake and close experiments are run with --trace and their ladders compared with
# data/trace/*-shipped.ladder.
set(trace_data ${CMAKE_CURRENT_SOURCE_DIR}/data/trace)
set(trace_out ${CMAKE_CURRENT_BINARY_DIR}/cli-trace)
add_test(NAME cli_trace_setup
  COMMAND sh -c "rm -rf \"$1\" && mkdir -p \"$1\" && cp -R \"$2/lost_syn\" \"$1/\" && \"$3\" run handshake --trace -q -o \"$1/handshake\" && \"$3\" run close --trace -q -o \"$1/close\""
          sh ${trace_out} ${trace_data} $<TARGET_FILE:synack>)
set_tests_properties(cli_trace_setup PROPERTIES FIXTURES_SETUP cli_trace TIMEOUT 300)
add_test(NAME cli_trace_cleanup COMMAND ${CMAKE_COMMAND} -E rm -rf ${trace_out})
set_tests_properties(cli_trace_cleanup PROPERTIES FIXTURES_CLEANUP cli_trace)

string(CONCAT trace_handshake_out
  "variant rtt_10ms, replication 0, connection 2\n"
  "  left   11\\.0\\.0\\.1:32768 +active opener, incarnation 2\n"
  "  right  10\\.0\\.0\\.1:80 +passive opener, incarnation 3\n(.*\n)*"
  " +0\\.000 +SYN-SENT \\|-- SYN seq=0 -+ at 5\\.000 ->\\|\n"
  " +5\\.000 +\\|<- at 10\\.000 -+ SYN,ACK seq=0 ack=1 --\\| SYN-RECEIVED\n"
  " +10\\.000 +ESTABLISHED \\|-- ACK seq=1 ack=1 -+ at 15\\.032 ->\\|\n")
synack_cli_test(cli_trace_fixture 0 "${trace_handshake_out}"
  trace ${trace_data}/handshake --format none)
synack_cli_test(cli_trace_lost_syn 0
  " +0\\.000 +SYN-SENT \\|-- SYN seq=0 -+X lost +\\|\n +1000\\.000 +\\[rtx timer\\] \\|-- SYN seq=0 \\(rtx\\) -+ at 1005\\.000 ->\\|"
  trace ${trace_data}/lost_syn --format none)
synack_cli_test(cli_trace_list 0
  "conn  local +remote +opened +first \\(s\\) +last \\(s\\) +sent +rtx +drops +states\n +1 +10\\.0\\.0\\.1:80 +0\\.0\\.0\\.0:0 +listener [^\n]*\n +2 +11\\.0\\.0\\.1:32768 +10\\.0\\.0\\.1:80 +active +0\\.000000000 +1\\.030000000 +6 +1 +1  CL>SS>ES>CW>LA>CL\n"
  trace ${trace_data}/lost_syn --list)
synack_cli_test(cli_trace_replication 0 "variant lossy, replication 1, connection 2\n"
  trace ${trace_data}/lost_syn --replication 1 --format none)
synack_cli_test(cli_trace_bad_conn 2
  "synack trace: [^\n]*lost_syn/trace\\.csv: variant lossy, replication 0 has no connection 9; its connections: 1, 2, 3"
  trace ${trace_data}/lost_syn --conn 9 --format none)
synack_cli_test(cli_trace_bad_variant 2
  "synack trace: [^\n]*handshake/trace\\.csv has no variant 'rtt_1ms'; traced variants: rtt_10ms, rtt_100ms"
  trace ${trace_data}/handshake --variant rtt_1ms --format none)
synack_cli_test(cli_trace_bad_replication 2
  "has no replication 4 of variant lossy; traced replications: 0, 1"
  trace ${trace_data}/lost_syn --replication 4 --format none)
synack_cli_test(cli_trace_missing_folder 2 "synack trace: no folder '[^']*/no-such-folder'"
  trace ${trace_data}/no-such-folder)
synack_cli_test(cli_trace_no_trace_csv 2
  "synack trace: no trace in '[^']*/data/trace': [^\n]*trace\\.csv is missing"
  trace ${trace_data})
synack_cli_test(cli_trace_malformed_line 2
  "synack trace: [^\n]*bad_line/trace\\.csv:6: seq: expected a number from 0 to 4294967295, got 'x'"
  trace ${trace_data}/bad_line --format none)
synack_cli_test(cli_trace_bad_format 2 "--format: expected png, svg, both or none, got 'gif'"
  trace ${trace_data}/handshake --format gif)
synack_cli_test(cli_trace_no_argument 2 "synack trace: no folder given" trace)
# without gnuplot: the ladder is printed, the figure skipped with a hint, exit 0
synack_cli_test(cli_trace_no_gnuplot 0
  "SYN-SENT \\|-- SYN seq=0 .*figure skipped: gnuplot not found \\('/nonexistent-synack/gnuplot' is not a program\\)[^\n]*\n[^\n]*apt-get install gnuplot-nox, or \\./scripts/setup"
  trace ${trace_out}/lost_syn --format png)
set_tests_properties(cli_trace_no_gnuplot PROPERTIES FIXTURES_REQUIRED cli_trace
  ENVIRONMENT SYNACK_GNUPLOT=/nonexistent-synack/gnuplot)
find_program(SYNACK_TEST_GNUPLOT gnuplot)
if(SYNACK_TEST_GNUPLOT)
  # the figure, and its script run again on its own from the figures folder
  add_test(NAME cli_trace_figure
    COMMAND sh -c "\"$1\" trace \"$2/lost_syn\" --conn 3 >/dev/null && cd \"$2/lost_syn/figures\" && rm -f ladder-lossy-r0-c3.png ladder-lossy-r0-c3.svg && gnuplot ladder-lossy-r0-c3.gp && test $(wc -c < ladder-lossy-r0-c3.png) -gt 8000 && grep -q '<svg' ladder-lossy-r0-c3.svg && echo figure-remade"
            sh $<TARGET_FILE:synack> ${trace_out})
  set_tests_properties(cli_trace_figure PROPERTIES FIXTURES_REQUIRED cli_trace
    PASS_REGULAR_EXPRESSION "figure-remade")
endif()
# the shipped experiments' ladders, as the model draws them today
add_test(NAME cli_trace_shipped_handshake
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/compare_output.sh ${trace_data}/handshake-shipped.ladder
          "if the model changed on purpose: synack run handshake --trace -o DIR && synack trace DIR --variant rtt_10ms --conn 2 --format none > tests/data/trace/handshake-shipped.ladder"
          $<TARGET_FILE:synack> trace ${trace_out}/handshake --variant rtt_10ms --conn 2
          --format none)
add_test(NAME cli_trace_shipped_close
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/compare_output.sh ${trace_data}/close-shipped.ladder
          "if the model changed on purpose: synack run close --trace -o DIR && synack trace DIR --variant lossy --conn 20 --format none > tests/data/trace/close-shipped.ladder"
          $<TARGET_FILE:synack> trace ${trace_out}/close --variant lossy --conn 20
          --format none)
set_tests_properties(cli_trace_shipped_handshake cli_trace_shipped_close PROPERTIES
  FIXTURES_REQUIRED cli_trace)

# batches that are stopped, resumed, grown and sharded end as one uninterrupted run
add_test(NAME cli_run_stop_resume_shard_merge
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/cli_durable.sh $<TARGET_FILE:synack> ${exp_data}
          ${CMAKE_CURRENT_BINARY_DIR}/cli-durable)
set_tests_properties(cli_run_stop_resume_shard_merge PROPERTIES TIMEOUT 300)
synack_cli_test(cli_run_bad_shard 2 "--shard: expected I/N with 1 <= I <= N, got '3/2'"
  run ${exp_data}/small.ini --shard 3/2)
synack_cli_test(cli_run_resume_and_output 2 "--resume DIR writes into DIR: leave -o out"
  run ${exp_data}/small.ini --resume x -o y)
synack_cli_test(cli_run_resume_not_a_folder 2 "--resume /nonexistent-synack: no /nonexistent-synack/config\\.resolved\\.ini"
  run ${exp_data}/small.ini --resume /nonexistent-synack)
synack_cli_test(cli_merge_needs_output 2 "synack merge: -o OUT is required" merge x y)

# -DSYNACK_MPI=ON: the runs spread over MPI ranks (rank 0 collecting) give the folder one
# local run gives; stopped, failed and resumed batches too. Open MPI's own allocations
# still held at exit are not ours: suppressed for this test alone under the sanitizers.
if(SYNACK_MPI)
  add_test(NAME cli_run_mpi_matches_local
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/cli_mpi.sh $<TARGET_FILE:synack> ${MPIEXEC_EXECUTABLE}
            ${exp_data} ${CMAKE_CURRENT_BINARY_DIR}/cli-mpi)
  set_tests_properties(cli_run_mpi_matches_local PROPERTIES TIMEOUT 600
    ENVIRONMENT "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/lsan-mpi.supp:fast_unwind_on_malloc=0")
endif()

# Sweeps: --dry-run checks every (variant, point) config and prints the plan without
# running or writing anything; validate counts points; --sweep adds or replaces a key;
# --set of a swept key is refused; a swept run writes its folder and figures.
string(CONCAT swept_plan
  "swept \\([^\n]*swept\\.ini\\): dry run, nothing is run or written\n"
  "variants: two_way, three_way\n"
  "point 0: tcp\\.time_wait=0s link\\.loss=0\n"
  "point 1: tcp\\.time_wait=0s link\\.loss=0\\.05\n"
  "point 2: tcp\\.time_wait=1s link\\.loss=0\n"
  "point 3: tcp\\.time_wait=1s link\\.loss=0\\.05\n"
  "point 4: tcp\\.time_wait=2s link\\.loss=0\n"
  "5 points x 2 variants x 2 replications = 20 runs\n"
  "no-folder")
add_test(NAME cli_run_dry_run
  COMMAND sh -c "\"$1\" run \"$2\" --dry-run -o \"$3\" && test ! -e \"$3\" && echo no-folder"
          sh $<TARGET_FILE:synack> ${exp_data}/swept.ini ${exp_out}/never-dry-run)
set_tests_properties(cli_run_dry_run PROPERTIES PASS_REGULAR_EXPRESSION "${swept_plan}"
  FIXTURES_REQUIRED cli_experiments)
synack_cli_test(cli_validate_swept 0
  "swept\\.ini: valid: 5 points x 2 variants x 2 replications = 20 runs\n"
  validate ${exp_data}/swept.ini)
synack_cli_test(cli_run_sweep_option 0
  "variants: two_way, three_way\npoint 0: tcp\\.time_wait=0s link\\.loss=0\\.1 client\\.conns=1\npoint 1: tcp\\.time_wait=0s link\\.loss=0\\.1 client\\.conns=10\n(point [^\n]*\n)*point 3: tcp\\.time_wait=1s link\\.loss=0\\.1 client\\.conns=10\n4 points x 2 variants x 2 replications = 16 runs\n$"
  run ${exp_data}/swept.ini --dry-run --sweep link.loss=0.1 --sweep client.conns=log\(1,10,2\))
synack_cli_test(cli_validate_sweep_option 0
  "small\\.ini: valid: 3 points x 2 variants x 3 replications = 18 runs\n"
  validate ${exp_data}/small.ini --sweep tcp.time_wait=0s:2s:1s)
synack_cli_test(cli_validate_sweep_bad_value 2
  "--sweep tcp\\.time_wait=0s,soon: \\[sweep\\] tcp\\.time_wait: value 2 of 2: 'soon' is not a duration"
  validate ${exp_data}/small.ini --sweep tcp.time_wait=0s,soon)
synack_cli_test(cli_run_set_of_swept_key 2
  "--set tcp\\.time_wait=5s: tcp\\.time_wait is swept \\([^\n]*swept\\.ini:24\\): give its values with --sweep tcp\\.time_wait=VALUES instead"
  run ${exp_data}/swept.ini --dry-run --set tcp.time_wait=5s)
synack_cli_test(cli_run_swept 0 "VERDICT swept: [^\n]*\n(figures: [^\n]*\n)*20 runs \\(20 now\\)"
  run ${exp_data}/swept.ini -o ${exp_out}/swept)
set_tests_properties(cli_run_swept PROPERTIES FIXTURES_REQUIRED cli_experiments)
