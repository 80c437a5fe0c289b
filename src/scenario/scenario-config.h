#ifndef AIRGRAD_SCENARIO_SCENARIO_CONFIG_H
#define AIRGRAD_SCENARIO_SCENARIO_CONFIG_H

#include "round/experiment-config.h"

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

/// \brief A loaded scenario: the typed config and every key's resolved text, in ScenarioKeys() order.
struct Scenario
{
    ExperimentConfig config;
    std::vector<std::pair<std::string, std::string>> resolved;
};

/**
 * \brief Reads an INI scenario file, applies `overrides` ("section.key=value", later ones win) and
 * validates every value. Throws std::invalid_argument with one message that names the key, the
 * value and what is allowed (or the file that cannot be read).
 */
Scenario LoadScenario(const std::string& path, const std::vector<std::string>& overrides);

/// The key table as text for --help: key, default, unit, meaning.
std::string ScenarioHelp();

} // namespace airgrad

#endif
