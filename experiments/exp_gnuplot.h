/* exp_gnuplot: running gnuplot, the program every figure is drawn with, as a
 * subprocess on a script written beforehand (figures of experiments, ladder diagrams).
 * Which program: the caller's choice, else $SYNACK_GNUPLOT, else gnuplot on PATH. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define EXP_GNUPLOT_ERROR (exp_gnuplot_error_quark())
GQuark exp_gnuplot_error_quark(void);

typedef enum {
  EXP_GNUPLOT_ERROR_MISSING,   /* no such program */
  EXP_GNUPLOT_ERROR_FAILED,    /* it could not start, or ran and failed (stderr quoted) */
} ExpGnuplotError;

/* The program's path: @program (NULL: $SYNACK_GNUPLOT, else "gnuplot") looked up on
 * PATH unless it holds a '/'. NULL with EXP_GNUPLOT_ERROR_MISSING ("'P' is not on
 * PATH" / "'P' is not a program"). */
char *exp_gnuplot_find(const char *program, GError **error);

/* Runs @gnuplot (a path from exp_gnuplot_find) with @args (NULL-terminated: `-e
 * SETTINGS`, the script) in folder @dir and waits for it. FALSE with
 * EXP_GNUPLOT_ERROR_FAILED, naming the script (the last argument) and quoting gnuplot's
 * stderr, when it does not exit with status 0. */
gboolean exp_gnuplot_run(const char *gnuplot, const char *dir, const char *const *args,
                         GError **error);

G_END_DECLS
