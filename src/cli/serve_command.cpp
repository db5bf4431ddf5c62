// ccm serve: the control plane (REST API, event stream, health, metrics) until SIGTERM/SIGINT.
// See cli/serve_app.hpp for what it assembles and the exit codes.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands.hpp"
#include "cli/serve_app.hpp"
#include "config/flags.hpp"

namespace ccm::cli {

void AddServeCommand(CLI::App& app) {
  auto* serve = app.add_subcommand(
      "serve",
      "Run the control plane: REST API, live events, health and metrics (--sandbox: with a local "
      "AWS emulator and simulated CML controllers)");
  auto flags = config::AddSettingsFlags(*serve);
  auto options = std::make_shared<ServeOptions>();
  serve
      ->add_option("--cml-sim-url", options->cml_sim_url,
                   "Make workers' CML endpoints simulated controllers of this cml-sim control "
                   "URL (tests and demos)")
      ->type_name("URL")
      ->group("Serve");
  auto grace = std::make_shared<double>(10);
  serve
      ->add_option("--shutdown-grace-seconds", *grace,
                   "How long in-flight requests may take to finish at shutdown")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group("Serve");
  serve->callback([flags, options, grace] {
    options->shutdown_grace = std::chrono::milliseconds(static_cast<int64_t>(*grace * 1000));
    SetExitCode(RunServe(*flags, *options));
  });
}

}  // namespace ccm::cli
