#ifndef AIRGRAD_SCENARIO_SCENARIO_CONFIG_H
#define AIRGRAD_SCENARIO_SCENARIO_CONFIG_H

#include "round/experiment-config.h"

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace airgrad {

/// \brief One documented scenario key, `section.key`.
struct ScenarioKey
{
    std::string key;
    std::string defaultValue;
    std::string unit; ///< empty when the value has no unit
    std::string help; ///< meaning and allowed values
};

/// Every key a scenario file may set, in documentation order.
const std::vector<ScenarioKey>& ScenarioKeys();

/// One value a choice key accepts and what it means.
struct ScenarioChoice
{
    std::string value;
    std::string meaning;
};
/// The keys whose value is one name of a fixed list (problem.type, problem.dataset, ...).
std::vector<std::string> ChoiceKeys();
/// The values `key` accepts: the table its parser checks; throws std::invalid_argument when
/// `key` is not a choice key.
const std::vector<ScenarioChoice>& ChoicesOf(const std::string& key);

/// \brief A loaded scenario: the typed config and every key's resolved text, in ScenarioKeys() order.
struct Scenario
{
    ExperimentConfig config;
    std::vector<std::pair<std::string, std::string>> resolved;
};

/// Scenario key -> value text, before validation.
using ScenarioValues = std::map<std::string, std::string>;

/// The keys an INI file sets; throws std::invalid_argument for an unreadable file or unknown key.
ScenarioValues ReadScenarioFile(const std::string& path);

/// Applies "section.key=value" overrides (later ones win); throws for an unknown key.
void ApplyOverrides(const std::vector<std::string>& overrides, ScenarioValues& values);

/// Validates every value (defaults for keys not given) into a Scenario; throws
/// std::invalid_argument naming the key, the value and what is allowed.
Scenario ResolveScenario(const ScenarioValues& values);

/**
 * \brief Reads an INI scenario file, applies `overrides` ("section.key=value", later ones win) and
 * validates every value. Throws std::invalid_argument with one message that names the key, the
 * value and what is allowed (or the file that cannot be read).
 */
Scenario LoadScenario(const std::string& path, const std::vector<std::string>& overrides);

/// \brief A target a sweep reports the cost of reaching.
struct SweepTarget
{
    std::string metric; ///< loss_gap (reached when <= value) or test_accuracy (reached when >=)
    double value;
};

/**
 * \brief A sweep file: a scenario plus a [sweep] section of comma-separated lists
 * (`network.snr_db = 5,15,25`) and an optional [target] section (`loss_gap = 1e-6`,
 * `test_accuracy = 0.8`). The grid is the product of the lists.
 */
struct SweepSpec
{
    ScenarioValues base;
    std::vector<std::pair<std::string, std::vector<std::string>>> axes; ///< in ScenarioKeys() order
    std::vector<SweepTarget> targets;
};

/// The most grid points a sweep may have unless the caller allows more (airgrad sweep --max-points).
constexpr long long kDefaultMaxSweepPoints = 10000;
/// Told how many grid points are validated (0 first, once the grid's size is known) of how many.
using SweepValidationProgress = std::function<void(size_t validated, size_t points)>;
/**
 * \brief Reads a sweep file and validates every point of its grid, so that a bad value fails
 * before anything runs; refuses, before validating any point, a grid of more than `maxPoints`
 * points, naming its size and axes. Throws std::invalid_argument naming the key, the value (and
 * the point) and what is allowed.
 */
SweepSpec LoadSweep(const std::string& path, long long maxPoints = kDefaultMaxSweepPoints,
                    const SweepValidationProgress& progress = nullptr);

/// The grid points as key -> value text of the swept keys, last axis varying fastest.
std::vector<ScenarioValues> SweepPoints(const SweepSpec& spec);

/// The key table as text for --help: key, default, unit, meaning.
std::string ScenarioHelp();

} // namespace airgrad

#endif
