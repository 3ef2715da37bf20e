// wire-explain: decodes what a learner pastes, field by field, with the RFC section of each rule.
// One file per subcommand; each takes its arguments and standard input and writes the
// explanation to `out`. They return the process exit status: 0 when the input was valid,
// 1 when it was not (the explanation says why), 2 for a usage mistake.
#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

namespace wire::tools {

using Args = std::span<const std::string_view>;

int explain_frame(Args args, std::ostream& out);
int explain_accept(Args args, std::ostream& out);
// `request` true for `wire-explain request`, false for `wire-explain response`.
int explain_http(Args args, std::string input, bool request, std::ostream& out);
int explain_sha1(Args args, std::ostream& out);
int explain_inflate(Args args, std::ostream& out);
// A redis reply from HEX or escaped TEXT arguments, or from `input` (standard input) without.
int explain_resp(Args args, std::string input, std::ostream& out);

}  // namespace wire::tools
