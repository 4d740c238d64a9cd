// The registry: one line per claim. Adding a claim = its own header + one line here.
#pragma once

#include <ssmcheck/claims/decay.hpp>
#include <ssmcheck/claims/freeze.hpp>
#include <ssmcheck/claims/haar.hpp>
#include <ssmcheck/claims/induction.hpp>
#include <ssmcheck/claims/jl.hpp>
#include <ssmcheck/claims/keep_nth.hpp>
#include <ssmcheck/claims/mqar.hpp>
#include <ssmcheck/claims/rates.hpp>
#include <ssmcheck/claims/time.hpp>

namespace ssmcheck {

inline ClaimList make_claims() {
  ClaimList claims;
  claims.push_back(std::make_unique<HaarClaim>());
  claims.push_back(std::make_unique<TimeClaim>());
  claims.push_back(std::make_unique<DecayClaim>());
  claims.push_back(std::make_unique<FreezeClaim>());
  claims.push_back(std::make_unique<KeepNthClaim>());
  claims.push_back(std::make_unique<RatesClaim>());
  claims.push_back(std::make_unique<MqarClaim>());
  claims.push_back(std::make_unique<JlClaim>());
  claims.push_back(std::make_unique<InductionClaim>());
  return claims;
}

}  // namespace ssmcheck
