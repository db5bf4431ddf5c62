#pragma once
// Helpers shared by the store's tests (header-only; not part of the library).
#include <gtest/gtest.h>

#include <string>

#include "core/ids.hpp"
#include "domain/worker.hpp"
#include "store/store.hpp"

namespace ccm::store::testing {

inline const TimePoint kT0{std::chrono::seconds(1'800'000'000)};

inline domain::ChangeContext Ctx(Duration offset = {}, std::string actor = "user:alice") {
  return {std::move(actor), kT0 + offset, "4bf92f3577b34da6a3ce929d0e0e4736"};
}

struct WorkerSpec {
  std::string name = "lab";
  std::string region = "us-east-1";
  std::string owner = "alice";
  std::string account = "";
  std::string instance_id = "";
  std::string client_token = "";
  Duration created = {};
};

inline domain::Worker MakeWorker(const WorkerSpec& spec) {
  domain::NewWorker n;
  n.id = NewUuid();
  n.name = spec.name;
  n.region = spec.region;
  n.account = spec.account;
  n.instance_type = "c5.2xlarge";
  n.ami_id = "ami-0123456789abcdef0";
  n.owner = spec.owner;
  n.client_token = spec.client_token.empty() ? "ct-" + n.id : spec.client_token;
  n.tags = {{"Name", spec.name}};
  if (!spec.instance_id.empty()) {
    n.aws_instance_id = spec.instance_id;
    n.status = domain::WorkerStatus::kStopped;
  }
  auto w = domain::Worker::Create(n, Ctx(spec.created));
  EXPECT_TRUE(w) << (w ? "" : w.error().ToString());
  return std::move(*w);
}

inline std::unique_ptr<Store> OpenMemory() {
  auto store = OpenStore("sqlite::memory:");
  EXPECT_TRUE(store) << (store ? "" : store.error().ToString());
  return std::move(*store);
}

// A stored worker, created through the store.
inline domain::Worker Stored(Store& store, const WorkerSpec& spec) {
  auto committed = store.CreateWorker(MakeWorker(spec));
  EXPECT_TRUE(committed) << (committed ? "" : committed.error().ToString());
  return committed->worker;
}

inline std::string N(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "w%03d", i);
  return buf;
}

}  // namespace ccm::store::testing
