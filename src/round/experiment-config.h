#ifndef AIRGRAD_ROUND_EXPERIMENT_CONFIG_H
#define AIRGRAD_ROUND_EXPERIMENT_CONFIG_H

#include "codec/message.h"
#include "method/method-factory.h"

#include <cstdint>
#include <string>
#include <vector>

namespace airgrad {

/**
 * \brief Everything a run needs, typed and validated. The scenario library fills it from an INI
 * file; its defaults are the documented defaults of the scenario keys.
 */
struct ExperimentConfig
{
    // [run]
    std::string name = "run";
    int rounds = 100;
    uint64_t seed = 1;
    int threads = 1;   ///< ideal driver: workers computed in parallel (results bit-identical)
    int evalEvery = 1; ///< a metrics row every this many rounds (and the last)
    std::string cacheDir = "results/.cache"; ///< where f* and L are cached; "none": not cached
    std::string mode = "sync";       ///< sync | buffered (a round ends once `buffer` updates are in)
    int buffer = 0;                  ///< buffered: updates per round; 0 = network.workers
    double stalenessExponent = 0.0;  ///< buffered: a s-round-old update weighs (1 + s)^-this; 0 = none
    // [problem]
    std::string problemType = "logistic"; ///< least-squares | lasso | logistic | softmax | mlp | torch
    std::string dataset = "synthetic";    ///< synthetic | fashion-mnist | libsvm | csv
    std::string dataFile;                 ///< libsvm, csv: training file
    std::string testFile;                 ///< libsvm, csv: test file (empty: split test_fraction)
    std::string labelColumn = "label";    ///< csv
    std::string scaling = "auto";         ///< auto | none | standardize | minmax
    double testFraction = 0.2;            ///< libsvm, csv without a test file
    long long maxRows = 0;                ///< 0 = every row
    std::vector<int> hidden = {128};      ///< mlp hidden widths
    std::string torchModel = "lenet5";    ///< torch: a built-in model or a TorchScript file
    long long batchSize = 0;              ///< per worker per round; 0 = full batch
    long long samples = 4000;
    long long testSamples = 1000;
    long long features = 100;
    double l2 = 1e-3;
    double l1 = 0.0; ///< weight of l1 ||x||_1, handled by the server's proximal step
    bool l2Prox = false; ///< the L2 term by the server's proximal step instead of in the gradients
    double noise = 0.1;
    double conditionNumber = 10.0;
    double density = 1.0; ///< synthetic: fraction of nonzero features per sample (< 1: sparse data)
    // [method]
    MethodSpec method;
    double step = 0.0; ///< > 0: fixed; 0: the method's default rule ("auto")
    // [data]
    std::string partition = "iid"; ///< iid | shards | dirichlet | powerlaw
    int labelsPerWorker = 2;
    double dirichletAlpha = 0.5;
    double powerLawExponent = 1.0;
    // [network]
    std::string networkKind = "ideal"; ///< ideal | wifi | link
    int workers = 10;
    int channelWidthMhz = 20;
    double distanceM = 10.0;
    std::vector<double> distancesM;   ///< per worker (overrides distanceM when set)
    std::string placement = "circle"; ///< circle (every station at distance_m) | disc (uniform in a disc of that radius)
    double txPowerDbm = 16.0206;      ///< every radio's transmit power
    double bandGhz = 5.0;             ///< 2.4 | 5 | 6
    double pathLossExponent = 3.0;
    double referenceLossDb = -1.0;    ///< at 1 m; < 0 = free space at the band's frequency
    std::string fading = "none";      ///< none | rayleigh | nakagami
    double nakagamiM = 1.0;
    std::vector<double> snrDb; ///< empty: received power from distance; one value, or one per worker
    double roundDeadlineS = 10.0;
    int fragmentBytes = 1400;         ///< UDP payload per fragment, or the TCP segment size
    std::string transport = "udp";    ///< udp (fragments, lost unless the MAC recovers them) | tcp
    std::string standard = "ax";      ///< ax | ac | n (5 GHz)
    int guardIntervalNs = 0;          ///< 0 = ns-3's default (ax 3200, n/ac 800)
    std::string rateManager = "ideal"; ///< ideal | minstrel | constant
    int mcs = 0;                      ///< constant: the data MCS
    long long maxAmpduBytes = 65535;  ///< 0 = no aggregation
    double txCurrentA = 0.38;         ///< ns-3's WifiRadioEnergyModel defaults
    double rxCurrentA = 0.313;
    double idleCurrentA = 0.273;
    double voltageV = 3.0;
    int spatialStreams = 1;           ///< antennas and spatial streams of every radio
    bool ofdma = false;               ///< wifi, ax: ns-3's round-robin multi-user scheduler (DL and UL OFDMA)
    int ofdmaStations = 4;            ///< ofdma: stations per multi-user PPDU
    std::string downlink = "unicast"; ///< unicast (acknowledged, to each worker) | broadcast (once, no ACK)
    double rerequestTimeoutMs = 20.0; ///< broadcast: ask again when an incomplete model stalls this long
    int queuePackets = 100000;        ///< frames per transmit queue (Wi-Fi MAC queue, link device queue)
    std::string linkRate = "mcs";     ///< link: mcs (802.11 MCS table, ideal choice) | shannon
    double shannonGapDb = 3.0;        ///< link, shannon: SNR gap to capacity
    std::string linkSharing = "serial"; ///< link: serial | tdma | fdma
    double tdmaSlotMs = 4.0;          ///< link, tdma: slot length
    double linkOverheadUs = -1.0;     ///< link: medium time per transmission beyond the PPDU; < 0 = auto
    // [codec]
    ValueFormat modelValues = ValueFormat::kFloat32;
    // [compute]
    double secondsPerSample = 2e-6;
    double flopsPerSecond = 0.0;          ///< > 0: compute time per sample = the problem's FLOPs / this
    double computePowerW = 2.0;        ///< processor power while computing, W
    std::vector<double> speedFactors;  ///< per-worker compute-time factors; empty: all 1
    double speedSigma = 0.0;           ///< > 0: factors drawn log-normal(0, sigma) from the seed
    // [energy]
    std::vector<double> batteryJ; ///< per-worker battery, J: empty = none (unlimited), one value, or one per worker
    double batteryLoJ = 0.0;      ///< > 0: batteries drawn uniform on [batteryLoJ, batteryHiJ] from the seed
    double batteryHiJ = 0.0;
    std::string availabilityFile; ///< CSV of worker,start_s,end_s intervals; empty = always available
    // [selection]
    std::string selectionPolicy = "all"; ///< a registered policy (round/selection.h)
    double selectionPerRound = 0.0;      ///< participants per round: >= 1 a count, < 1 a fraction of the workers, 0 = all
};

} // namespace airgrad

#endif
