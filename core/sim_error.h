/* sim_error: the one GError domain of synack's core, and the codes its parsers return.
 * Every runtime failure (bad text, bad file, value out of range) is reported through
 * a GError in this domain; misuse by a caller is a g_return_val_if_fail instead. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SIM_ERROR (sim_error_quark())

typedef enum {
  SIM_ERROR_SYNTAX,        /* text is not of the expected form */
  SIM_ERROR_UNIT,          /* a unit is missing or unknown */
  SIM_ERROR_RANGE,         /* a value is out of its allowed range or overflows */
  SIM_ERROR_UNKNOWN_KEY,   /* a key or section not in the schema */
  SIM_ERROR_IO,            /* a file could not be read or written */
  SIM_ERROR_INVALID,       /* several problems, or an invalid combination */
} SimErrorCode;

GQuark sim_error_quark(void);

G_END_DECLS
