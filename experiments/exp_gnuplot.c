/* exp_gnuplot: gnuplot as a subprocess (exp_gnuplot.h). */
#include "exp_gnuplot.h"

#include <string.h>
#include <sys/wait.h>

G_DEFINE_QUARK(exp-gnuplot-error-quark, exp_gnuplot_error)

char *
exp_gnuplot_find(const char *program, GError **error)
{
  const char *env = g_getenv("SYNACK_GNUPLOT");
  const char *prog = program ? program : env != NULL && env[0] != '\0' ? env : "gnuplot";
  gboolean has_dir = strchr(prog, '/') != NULL;
  char *path = has_dir ? (g_file_test(prog, G_FILE_TEST_IS_EXECUTABLE) &&
                          !g_file_test(prog, G_FILE_TEST_IS_DIR) ? g_strdup(prog) : NULL)
                       : g_find_program_in_path(prog);
  if (path == NULL)
    g_set_error(error, EXP_GNUPLOT_ERROR, EXP_GNUPLOT_ERROR_MISSING, "gnuplot not found "
                "('%s' %s)", prog, has_dir ? "is not a program" : "is not on PATH");
  return path;
}

gboolean
exp_gnuplot_run(const char *gnuplot, const char *dir, const char *const *args, GError **error)
{
  g_return_val_if_fail(gnuplot != NULL && dir != NULL && args != NULL && args[0] != NULL,
                       FALSE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer)gnuplot);
  const char *script = NULL;
  for (const char *const *a = args; *a; a++) {
    g_ptr_array_add(argv, (gpointer)*a);
    script = *a;
  }
  g_ptr_array_add(argv, NULL);
  g_autofree char *err_text = NULL;
  int status = 0;
  g_autoptr(GError) spawn_err = NULL;
  if (!g_spawn_sync(dir, (char **)argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                    NULL, &err_text, &status, &spawn_err)) {
    g_set_error(error, EXP_GNUPLOT_ERROR, EXP_GNUPLOT_ERROR_FAILED, "cannot run %s: %s",
                gnuplot, spawn_err->message);
    return FALSE;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return TRUE;
  g_strchomp(err_text);
  g_set_error(error, EXP_GNUPLOT_ERROR, EXP_GNUPLOT_ERROR_FAILED, "gnuplot failed on %s/%s "
              "(%s %d):\n%s", dir, script, WIFEXITED(status) ? "exit status" : "signal",
              WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
              err_text[0] ? err_text : "(nothing on stderr)");
  return FALSE;
}
