/* net: the per-run world shared by hosts and links. */
#include "net.h"

Net *
net_new(SimSched *sched, SimLog *log, const SimRngStreamId *stream)
{
  g_return_val_if_fail(sched != NULL && stream != NULL, NULL);
  Net *net = g_new0(Net, 1);
  net->sched = sched;
  sim_log_init(&net->silent);
  net->log = log ? log : &net->silent;
  seg_pool_init(&net->segs);
  net->stream = *stream;
  net->stream.component = 0;
  net->next_incarnation = 1;
  return net;
}

void
net_free(Net *net)
{
  if (net == NULL)
    return;
  seg_pool_clear(&net->segs);
  g_free(net);
}

void
net_component_rng(const Net *net, uint64_t component, SimRng *rng)
{
  SimRngStreamId id = net->stream;
  id.component = component;
  sim_rng_stream(rng, &id);
}
