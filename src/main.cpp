// ssmcheck: executable certificates for the theorems of "Understanding Input Selectivity in Mamba".
#include "cli.hpp"

int main(int argc, char** argv) { return ssmcheck::cli_main(argc, argv); }
