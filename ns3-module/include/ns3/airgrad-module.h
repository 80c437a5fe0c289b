// The airgrad ns-3 module, as an ns-3 program includes it: #include "ns3/airgrad-module.h".
// Everything is in namespace ns3::airgrad; the learning core it drives is ::airgrad.
#ifndef AIRGRAD_MODULE_H
#define AIRGRAD_MODULE_H

// model/
#include "airgrad-fragment-header.h"
#include "airgrad-server-app.h"
#include "airgrad-worker-app.h"
#include "link-channel.h"
#include "link-net-device.h"
#include "link-sharing.h"
#include "power-state-energy-model.h"

// helper/
#include "airgrad-helper.h"
#include "link-topology-helper.h"
#include "network-settings.h"
#include "round-tracker.h"
#include "wifi-station-tracer.h"
#include "wifi-topology-helper.h"
#include "wifi-uplink-snr.h"
#include "wifi-warm-up.h"

// The learning core: experiments and the CSV writers a program hands its rows to.
#include "round/experiment.h"
#include "round/metrics-writer.h"

#endif
