#include "cml/internal/probe.hpp"

#include "cml/internal/parse.hpp"
#include "http/multi.hpp"

namespace ccm::cml::internal {

ProbeRound::ProbeRound(ClientCore& core, http::MultiExecutor& executor,
                       const std::vector<CmlTarget>& targets, const ProbeOptions& options)
    : core_(core), executor_(executor), options_(options), workers_(targets.size()) {
  for (size_t i = 0; i < targets.size(); ++i) {
    workers_[i].target = &targets[i];
    workers_[i].key = core_.TokenKey(targets[i]);
    workers_[i].snapshot.worker_id = targets[i].worker_id;
  }
}

std::vector<WorkerSnapshot> ProbeRound::Run() {
  for (Worker& w : workers_) {
    w.started = w.last_answer = std::chrono::steady_clock::now();
    StartSystemInformation(w);
  }
  executor_.Run();
  std::vector<WorkerSnapshot> out;
  out.reserve(workers_.size());
  for (Worker& w : workers_) {
    w.snapshot.elapsed_seconds = std::chrono::duration<double>(w.last_answer - w.started).count();
    if (w.snapshot.labs) {
      std::vector<Lab> kept;
      for (size_t i = 0; i < w.snapshot.labs->size(); ++i) {
        if (!w.lab_gone[i]) kept.push_back(std::move((*w.snapshot.labs)[i]));
      }
      w.snapshot.labs = std::move(kept);
    }
    out.push_back(std::move(w.snapshot));
  }
  return out;
}

void ProbeRound::AddError(Worker& w, Error error) {
  // A failed login reaches every waiting step; report it once.
  for (const Error& e : w.snapshot.errors) {
    if (e.message == error.message) return;
  }
  w.snapshot.errors.push_back(std::move(error));
}

void ProbeRound::Send(Worker& w, const Call& call, const std::string& token, Answer done) {
  http::Request request = core_.Prepare(*w.target, call, token);
  executor_.Add(std::move(request),
                [this, &w, call, done = std::move(done)](Result<http::Response> result) {
                  core_.Observe(*w.target, call, result);
                  w.last_answer = std::chrono::steady_clock::now();
                  done(std::move(result));
                });
}

void ProbeRound::WithToken(Worker& w, TokenWaiter then) {
  if (w.token.empty()) {
    if (auto cached = core_.tokens().Get(w.key)) w.token = *cached;
  }
  if (!w.token.empty()) {
    then(w.token);
    return;
  }
  w.waiting.push_back(std::move(then));
  if (w.login_in_flight) return;
  w.login_in_flight = true;
  w.snapshot.logged_in = true;
  Call login = LoginCall(*w.target);
  Send(w, login, "", [this, &w, login](Result<http::Response> result) {
    Result<std::string> token = core_.AcceptLogin(*w.target, login, std::move(result));
    w.login_in_flight = false;
    if (token) w.token = *token;
    std::vector<TokenWaiter> waiting = std::move(w.waiting);
    w.waiting.clear();
    for (TokenWaiter& waiter : waiting) waiter(token);
  });
}

void ProbeRound::Authed(Worker& w, const Call& call, Answer done, bool retried) {
  WithToken(w, [this, &w, call, done = std::move(done), retried](const Result<std::string>& token) {
    if (!token) {
      done(Fail(token.error()));
      return;
    }
    std::string used = *token;
    Send(w, call, used, [this, &w, call, done, retried, used](Result<http::Response> result) {
      if (result && result->status == 401 && !retried) {
        core_.tokens().Invalidate(w.key, used);
        if (w.token == used) w.token.clear();
        Authed(w, call, done, true);
        return;
      }
      done(core_.Check(*w.target, call, std::move(result)));
    });
  });
}

void ProbeRound::StartSystemInformation(Worker& w) {
  bool login = !w.target->username.empty();
  if (auto valid = core_.ValidateTarget(*w.target, login); !valid) {
    AddError(w, valid.error());
    return;
  }
  Call call = SystemInformationCall();
  Send(w, call, "", [this, &w, call](Result<http::Response> result) {
    auto info = core_.AcceptSystemInformation(*w.target, call, std::move(result));
    if (!info) {
      AddError(w, info.error());
      return;
    }
    w.snapshot.system = *info;
    if (info->ready() && !w.target->username.empty()) StartSteps(w);
  });
}

namespace {

// Stores a parsed 2xx answer into `slot`, or records the failure.
template <typename T, typename Parse>
void Store(Result<http::Response> answer, const CmlTarget& target, const Call& call, Parse parse,
           std::optional<T>& slot, std::vector<Error>& errors) {
  if (!answer) {
    errors.push_back(std::move(answer.error()));
    return;
  }
  auto parsed = parse(answer->body);
  if (!parsed) {
    errors.push_back(WrapError(target, call, parsed.error()));
    return;
  }
  slot = std::move(*parsed);
}

}  // namespace

void ProbeRound::StartSteps(Worker& w) {
  WithToken(w, [this, &w](const Result<std::string>& token) {
    if (!token) {
      AddError(w, token.error());
      return;
    }
    auto step = [this, &w](Call call, auto parse, auto& slot) {
      Authed(w, call, [this, &w, call, parse, &slot](Result<http::Response> answer) {
        std::vector<Error> errors;
        Store(std::move(answer), *w.target, call, parse, slot, errors);
        for (Error& e : errors) AddError(w, std::move(e));
      });
    };
    if (options_.health) step(SystemHealthCall(), ParseSystemHealth, w.snapshot.health);
    if (options_.stats) step(SystemStatsCall(), ParseSystemStats, w.snapshot.stats);
    if (options_.licensing) step(LicensingCall(), ParseLicensing, w.snapshot.licensing);
    if (options_.labs) StartLabs(w);
    if (options_.telemetry) {
      Call call = TelemetryEventsCall();
      Authed(w, call, [this, &w, call](Result<http::Response> answer) {
        std::optional<std::vector<TelemetryEvent>> all;
        std::vector<Error> errors;
        Store(std::move(answer), *w.target, call, ParseTelemetryEvents, all, errors);
        for (Error& e : errors) AddError(w, std::move(e));
        if (all) w.snapshot.events = core_.AcceptEvents(*w.target, std::move(*all));
      });
    }
  });
}

void ProbeRound::StartLabs(Worker& w) {
  Call call = LabsCall();
  Authed(w, call, [this, &w, call](Result<http::Response> answer) {
    std::optional<std::vector<std::string>> ids;
    std::vector<Error> errors;
    Store(std::move(answer), *w.target, call, ParseLabIds, ids, errors);
    for (Error& e : errors) AddError(w, std::move(e));
    if (!ids) return;
    w.snapshot.labs.emplace(ids->size());
    w.lab_gone.assign(ids->size(), false);
    for (size_t i = 0; i < ids->size(); ++i) (*w.snapshot.labs)[i].id = (*ids)[i];
    if (!options_.lab_details) return;
    for (size_t i = 0; i < ids->size(); ++i) {
      const std::string& id = (*ids)[i];
      if (!ValidateLabId(id)) continue;
      Call detail = LabCall(id);
      Authed(w, detail, [this, &w, detail, i, id](Result<http::Response> lab_answer) {
        if (!lab_answer && lab_answer.error().code == Code::kNotFound) {
          w.lab_gone[i] = true;  // deleted since the list was read
          return;
        }
        std::optional<Lab> lab;
        std::vector<Error> errors;
        auto parse = [&id](std::string_view body) { return ParseLab(body, id); };
        Store(std::move(lab_answer), *w.target, detail, parse, lab, errors);
        for (Error& e : errors) AddError(w, std::move(e));
        if (lab) (*w.snapshot.labs)[i] = std::move(*lab);
      });
    }
  });
}

}  // namespace ccm::cml::internal
