// Runs a fuzz target once over every file named or found under the directories named: the seed
// corpus and the regression inputs of past findings, replayed by the regular test suite.
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AIRGRAD_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define AIRGRAD_ASAN 1
#endif

int
main(int argc, char** argv)
{
    namespace fs = std::filesystem;
#ifndef AIRGRAD_ASAN
    // As libFuzzer's -malloc_limit_mb: an input that makes the code allocate what a header or a
    // file merely claims fails here too (std::bad_alloc). ASan reserves more address space.
    const rlimit limit{1UL << 30, 1UL << 30};
    setrlimit(RLIMIT_AS, &limit);
#endif
    size_t inputs = 0;
    const auto replay = [&](const fs::path& path) {
        std::ifstream in(path, std::ios::binary);
        const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
        ++inputs;
    };
    for (int i = 1; i < argc; ++i)
    {
        if (fs::is_directory(argv[i]))
        {
            for (const auto& entry : fs::recursive_directory_iterator(argv[i]))
            {
                if (entry.is_regular_file())
                {
                    replay(entry.path());
                }
            }
        }
        else if (fs::exists(argv[i]))
        {
            replay(argv[i]);
        }
    }
    std::printf("replayed %zu inputs\n", inputs);
    return inputs > 0 ? 0 : 1;
}
