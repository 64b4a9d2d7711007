/* sim_error: the GError domain of synack's core. */
#include "sim_error.h"

G_DEFINE_QUARK(synack-error-quark, sim_error)
