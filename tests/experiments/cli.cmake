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
  "6 runs, [0-9]+ events in [0-9.]+ s; results in [^\n]*/cli-experiments/small\n")
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
synack_cli_test(cli_run_empirical_from_elsewhere 0 "1 run, "
  run ${exp_data}/empirical.ini -o ${exp_out}/empirical)
set_tests_properties(cli_run_empirical_from_elsewhere PROPERTIES
  FIXTURES_REQUIRED cli_experiments)

add_test(NAME config_doc_in_sync
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/compare_output.sh ${PROJECT_SOURCE_DIR}/docs/CONFIG.md
          "regenerate it: synack keys --markdown > docs/CONFIG.md"
          $<TARGET_FILE:synack> keys --markdown)
