// MultipartForm: a whole multipart/form-data body (RFC 7578) as values and files, Go's
// multipart.Form. File parts stay in memory up to `max_memory` bytes in total; a file that would
// go past it is written to a temporary file instead (Go's ReadForm). The temporary files are
// removed when the MultipartForm is destroyed (Go's Form.RemoveAll).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "http/header.hpp"
#include "http/limits.hpp"
#include "http/multipart.hpp"
#include "http/values.hpp"

namespace wire::http {

struct FormFile {
    std::string filename;  // as sent, without any directory part
    Header header;         // the part's header (Content-Type...)
    std::uint64_t size = 0;
    std::string content;    // the bytes, when held in memory
    std::string temp_path;  // otherwise the temporary file holding them

    [[nodiscard]] bool in_memory() const noexcept { return temp_path.empty(); }
    // The file's bytes, from memory or read back from its temporary file.
    [[nodiscard]] std::error_code read_all(std::string& out) const;
};

class MultipartForm {
  public:
    MultipartForm() = default;
    MultipartForm(MultipartForm&& other) noexcept;
    MultipartForm& operator=(MultipartForm&& other) noexcept;
    ~MultipartForm();

    Values values;                                        // parts without a filename
    std::vector<std::pair<std::string, FormFile>> files;  // field name -> file, in order

    // The first file sent under `field`, or null.
    [[nodiscard]] const FormFile* file(std::string_view field) const noexcept;
    // Deletes the temporary files now.
    void remove_all() noexcept;
};

// Builds a MultipartForm from body bytes given in any pieces:
//   MultipartFormReader r(boundary, 32 << 20);
//   while (more) if (auto ec = r.write(piece)) fail;   then   r.finish(), r.form()
class MultipartFormReader {
  public:
    MultipartFormReader(std::string_view boundary, std::uint64_t max_memory,
                        const FormLimits& limits = {});
    MultipartFormReader(const MultipartFormReader&) = delete;
    MultipartFormReader& operator=(const MultipartFormReader&) = delete;
    ~MultipartFormReader();

    // Feeds the next body bytes. Errors: the parser's, Error::form_too_large when the values
    // pass limits.max_form_bytes, and file system errors writing a temporary file.
    std::error_code write(std::string_view bytes);
    // The body ended: Error::unexpected_eof unless the close-delimiter was seen.
    std::error_code finish();
    [[nodiscard]] bool done() const noexcept { return done_; }
    MultipartForm& form() noexcept { return form_; }

  private:
    std::error_code on_data(std::string_view data);
    std::error_code spill(FormFile& f);
    std::error_code end_part();

    MultipartParser parser_;
    FormLimits limits_;
    std::uint64_t memory_left_;      // for file contents held in memory
    std::uint64_t value_bytes_ = 0;  // names and values, against max_form_bytes
    MultipartForm form_;
    std::string pending_;  // bytes the parser has not consumed yet
    std::string value_;    // the current non-file part's value
    FormFile* file_ = nullptr;
    int fd_ = -1;  // the current file part's temporary file
    std::error_code error_;
    bool in_part_ = false;
    bool done_ = false;
};

}  // namespace wire::http
