/*
 * A gateway-style filter: reads messages from standard input, one per line, and prints for each
 * one line "TIER<TAB>RULE,RULE,...<TAB>HOST,HOST,...": the risk tier, the ids of the rules that
 * fired, and the hosts of the links in the message (in text order; empty when there are none).
 * Uses the embedded default pack, or the binary pack file given as the only argument. Exits
 * non-zero on any error (unreadable or bad pack, read error).
 *
 * Build against an installed fanzha (see ffi/README.md):
 *   cc -std=c11 -O2 -I$PREFIX/include examples/gateway.c $PREFIX/lib/libfanzha.a \
 *      -lpthread -ldl -lm -o gateway                          # static
 *   cc -std=c11 -O2 -I$PREFIX/include examples/gateway.c -L$PREFIX/lib -lfanzha \
 *      -Wl,-rpath,$PREFIX/lib -o gateway                      # shared
 */
#define _POSIX_C_SOURCE 200809L

#include <fanzha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load_pack(const char *path, fanzha_engine **engine) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    unsigned char *bytes = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 1 << 16;
            unsigned char *grown = realloc(bytes, cap);
            if (grown == NULL) {
                fclose(f);
                free(bytes);
                fprintf(stderr, "out of memory\n");
                return 1;
            }
            bytes = grown;
        }
        size_t n = fread(bytes + len, 1, cap - len, f);
        if (n == 0) break;
        len += n;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(bytes);
        perror(path);
        return 1;
    }
    char err[256];
    fanzha_status s = fanzha_engine_from_pack(bytes, len, engine, err, sizeof err);
    free(bytes);
    if (s != FANZHA_STATUS_OK) {
        fprintf(stderr, "%s: %s (status %u)\n", path, err, (unsigned)s);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    fanzha_engine *engine = NULL;
    if (argc > 2) {
        fprintf(stderr, "usage: %s [PACK.fzpack] < messages.txt\n", argv[0]);
        return 2;
    }
    if (argc == 2) {
        if (load_pack(argv[1], &engine) != 0) return 1;
    } else if (fanzha_engine_new(&engine) != FANZHA_STATUS_OK) {
        fprintf(stderr, "cannot load the embedded pack\n");
        return 1;
    }

    int status = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)n;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        fanzha_result *result = NULL;
        fanzha_status s =
            fanzha_engine_scan(engine, (const uint8_t *)line, len, NULL, 0, &result);
        if (s != FANZHA_STATUS_OK) {
            fprintf(stderr, "scan failed: %s\n", fanzha_status_str(s));
            status = 1;
            break;
        }
        printf("%s\t", fanzha_risk_str(fanzha_result_risk(result)));
        size_t hits = fanzha_result_hit_count(result);
        for (size_t i = 0; i < hits; i++)
            printf("%s%s", i ? "," : "", fanzha_result_hit_rule(result, i));
        printf("\t");
        size_t links = fanzha_result_link_count(result);
        for (size_t i = 0; i < links; i++)
            printf("%s%s", i ? "," : "", fanzha_result_link_host(result, i));
        printf("\n");
        fanzha_result_free(result);
    }
    if (ferror(stdin)) {
        perror("stdin");
        status = 1;
    }
    if (fflush(stdout) != 0) status = 1;
    free(line);
    fanzha_engine_free(engine);
    return status;
}
