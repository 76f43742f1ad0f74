#include "core/file_io.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace kiln {

namespace fs = std::filesystem;

Expected<std::string> readWholeFile(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return notFound("file '" + path + "' does not exist");
    if (fs::is_directory(path, ec)) return ioError("'" + path + "' is a folder, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) return ioError("cannot open '" + path + "' for reading");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return ioError("error while reading '" + path + "'");
    return ss.str();
}

Status writeFileAtomically(const std::string& path, const std::string& bytes) {
    fs::path target(path);
    fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::random_device rd;
    fs::path tmp = dir / ("." + target.filename().string() + ".tmp" + std::to_string(rd()));
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return ioError("cannot write into folder '" + dir.string() + "'");
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            out.close();
            std::error_code ec;
            fs::remove(tmp, ec);
            return ioError("writing '" + path + "' failed (disk full?)");
        }
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return ioError("cannot move the new file into place at '" + path + "': " + ec.message());
    }
    return Status::ok();
}

}  // namespace kiln
