// Multipart bodies (boundary "AaB03x") that the pull parser (multipart_test.cpp) and the
// streaming reader (multipart_reader_test.cpp) must read the same way, with the transcript both
// tests write: "{name|filename(f)|content-type:body}" per part, then "done", or "error:N".
// Each test adds the cases where the two differ (what a truncated body reports).
#pragma once

#include <string>
#include <vector>

#include "http/error.hpp"

namespace wire::http::test {

struct MultipartCase {
    const char* name;
    std::string body;
    std::string want;
};

inline std::string multipart_error(Error e) {
    return "error:" + std::to_string(int(e));
}

inline std::vector<MultipartCase> shared_multipart_cases() {
    return {
        {"RFC 7578 §4 style form",
         "--AaB03x\r\n"
         "Content-Disposition: form-data; name=\"submit-name\"\r\n\r\n"
         "Larry\r\n"
         "--AaB03x\r\n"
         "Content-Disposition: form-data; name=\"files\"; filename=\"file1.txt\"\r\n"
         "Content-Type: text/plain\r\n\r\n"
         "... contents of file1.txt ...\r\n"
         "--AaB03x--\r\n",
         "{submit-name||:Larry}{files|file1.txt(f)|text/plain:... contents of file1.txt ...}done"},
        {"preamble and epilogue are ignored",
         "This is the preamble.\r\n--AaB03x\r\n\r\nbody\r\n--AaB03x--\r\nepilogue --AaB03x",
         "{||:body}done"},
        {"a part without headers and an empty body", "--AaB03x\r\n\r\n\r\n--AaB03x--", "{||:}done"},
        {"transport padding after delimiters (RFC 2046 §5.1.1)",
         "--AaB03x  \r\n\r\nx\r\n--AaB03x\t\r\n\r\ny\r\n--AaB03x--  ", "{||:x}{||:y}done"},
        {"boundary-like text inside a body is data",
         "--AaB03x\r\n\r\nA\r\n--AaB03xyz\r\n--AaB03 \r\n-\r\n--AaB03x--",
         "{||:A\r\n--AaB03xyz\r\n--AaB03 \r\n-}done"},
        {"binary data with CR, LF and dashes",
         std::string("--AaB03x\r\n\r\n\r\r\n\n--\0\xff-\r\n--AaB03x--", 33),
         std::string("{||:\r\r\n\n--\0\xff-}done", 18)},
        {"empty multipart body", "--AaB03x--\r\n", "done"},
        {"malformed header line", "--AaB03x\r\nno colon here\r\n\r\nx\r\n--AaB03x--",
         multipart_error(Error::bad_part_header)},
    };
}

}  // namespace wire::http::test
