#ifndef AIRGRAD_ROUND_ROUND_ENGINE_H
#define AIRGRAD_ROUND_ROUND_ENGINE_H

#include "round/experiment.h"
#include "round/round-record.h"

namespace airgrad {

/**
 * \brief Runs an experiment's rounds over an ideal link: every message arrives, instantly, with no
 * air bytes, airtime or energy. Payload bits are counted from the encoded bytes.
 * Reports round 0 (the initial model) and then every round to `observer`.
 */
void RunIdeal(Experiment& experiment, RoundObserver& observer);

} // namespace airgrad

#endif
