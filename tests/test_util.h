/* Shared helpers for synack's CUnit suites. */
#pragma once

#include <CUnit/CUnit.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include "sim_error.h"
#include "sim_rng.h"

/* Each suite file defines one registration function, listed in test_main.c. */
typedef void (*TestRegisterFn)(void);

/* Adds a suite named @name with @tests (NULL-terminated {name, fn} pairs). */
void test_add_suite(const char *name, const CU_TestInfo *tests);

/* Asserts that @err is set with @code in the SIM_ERROR domain and that its message
 * contains @needle (NULL: any message); then clears it. */
#define TEST_ASSERT_ERROR(err, code_, needle)                                         \
  do {                                                                               \
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);                                               \
    CU_ASSERT_EQUAL((err)->domain, SIM_ERROR);                                       \
    CU_ASSERT_EQUAL((err)->code, (code_));                                            \
    if ((needle) != NULL && strstr((err)->message, (needle)) == NULL) {              \
      fprintf(stderr, "\n  error message \"%s\" lacks \"%s\"\n", (err)->message,    \
              (const char *)(needle));                                               \
      CU_FAIL("error message lacks expected text");                                  \
    }                                                                                \
    g_clear_error(&(err));                                                           \
  } while (0)

/* Removes @path, a file or a folder with everything in it (symbolic links not
 * followed). */
void test_remove_tree(const char *path);

/* Path of a file in the source tree's tests/data/ (owned by the caller). */
char *test_data_path(const char *name);

/* A generator whose next output is exactly @x (to test the extremes of a draw). */
SimRng test_rng_with_next_output(uint64_t x);

/* Counts the criticals synack's libraries log for misuse (g_return_val_if_fail) instead
 * of printing them: from test_criticals_catch() until test_criticals_release(), which
 * returns how many there were; test_criticals_count() reads the count meanwhile. */
void test_criticals_catch(void);
unsigned test_criticals_count(void);
unsigned test_criticals_release(void);
