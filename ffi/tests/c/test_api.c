/*
 * C tests of the fanzha C API: every function, every error path, and many threads scanning one
 * engine while another thread swaps its pack. Built and run by ffi/tests/c_api.rs (cargo test
 * -p fanzha-ffi), once against the staticlib and once against the shared library, and under
 * valgrind by ffi/scripts/valgrind.sh.
 *
 * Usage: test_api DIR, where DIR holds the fixtures the Rust harness writes:
 *   pack_a.fzpack, pack_b.fzpack  two test packs (versions "ffi-test-A", "ffi-test-B")
 *   pack_invalid.fzpack           a well-formed binary pack that does not compile
 *   pack_b_signed.fzpack          pack B signed with the secret key of pubkey.bin
 *   pack_b_other_key.fzpack       pack B signed with another key
 *   pubkey.bin, badkey.bin        an Ed25519 public key; 32 bytes that are not one
 *   expect_a.json                 core's Verdict::to_json for TEXT_A scanned with pack A
 *   expect_default.json           the same for TEXT_DEFAULT with the embedded default pack
 *   expect_links.json             the same for TEXT_LINKS with pack A (which has link data:
 *                                 risky TLD "top", login word "login", brand "icbc" with the
 *                                 official domain icbc.com.cn)
 */
#include "fanzha.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int checks = 0;

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        checks++;                                                                         \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            exit(1);                                                                      \
        }                                                                                 \
    } while (0)

#define CHECK_STR(a, b) CHECK((a) != NULL && strcmp((a), (b)) == 0)

/* Keep these in sync with ffi/tests/c_api.rs. */
static const char TEXT_A[] = "在家刷单，先垫付";
static const char TEXT_DEFAULT[] = "在家刷单日赚300，先垫付";
/* Three links and two entities after full-width and CJK text (byte offsets are not character
 * offsets). */
static const char TEXT_LINKS[] = "【ＥＴＣ】账户异常，请登录icbc-vip点top/login或https://www.icbc.com.cn/x，"
                                 "备用http://10.0.0.1:8080/a，致电１３８ １２３４ ５６７８，QQ 12345678";
/* Fires only pack B's rule (weight 120) and pack A's 刷单 rule (weight 50). */
static const char TEXT_SWAP[] = "换包测试：刷单";

typedef struct {
    uint8_t *data;
    size_t len;
} buf;

static buf read_file(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    buf b = {NULL, 0};
    size_t cap = 0;
    for (;;) {
        if (b.len == cap) {
            cap = cap ? cap * 2 : 4096;
            b.data = realloc(b.data, cap + 1);
            if (b.data == NULL) exit(2);
        }
        size_t n = fread(b.data + b.len, 1, cap - b.len, f);
        if (n == 0) break;
        b.len += n;
    }
    fclose(f);
    b.data[b.len] = 0; /* text fixtures are used as C strings */
    return b;
}

static fanzha_result *scan(const fanzha_engine *e, const char *text) {
    fanzha_result *r = NULL;
    CHECK(fanzha_engine_scan(e, (const uint8_t *)text, strlen(text), NULL, 0, &r) ==
          FANZHA_STATUS_OK);
    CHECK(r != NULL);
    return r;
}

static void test_version(void) {
    CHECK_STR(fanzha_version(), FANZHA_VERSION);
    char v[64];
    snprintf(v, sizeof v, "%d.%d.%d", FANZHA_VERSION_MAJOR, FANZHA_VERSION_MINOR,
             FANZHA_VERSION_PATCH);
    CHECK(strncmp(fanzha_version(), v, strlen(v)) == 0);
}

static void test_status_and_risk_names(void) {
    const uint32_t codes[] = {
        FANZHA_STATUS_OK,
        FANZHA_STATUS_NULL_ARGUMENT,
        FANZHA_STATUS_PANIC,
        FANZHA_STATUS_OUT_OF_RANGE,
        FANZHA_STATUS_INVALID_ARGUMENT,
        FANZHA_STATUS_BUFFER_TOO_SMALL,
        FANZHA_STATUS_PACK_BAD_MAGIC,
        FANZHA_STATUS_PACK_TRUNCATED,
        FANZHA_STATUS_PACK_UNSUPPORTED_VERSION,
        FANZHA_STATUS_PACK_BAD_HEADER,
        FANZHA_STATUS_PACK_CHECKSUM_MISMATCH,
        FANZHA_STATUS_PACK_MALFORMED,
        FANZHA_STATUS_PACK_INVALID,
        FANZHA_STATUS_PACK_REJECTED,
        FANZHA_STATUS_PACK_UNSIGNED,
        FANZHA_STATUS_PACK_BAD_SIGNATURE,
        FANZHA_STATUS_PACK_BAD_KEY,
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *s = fanzha_status_str(codes[i]);
        CHECK(s != NULL && strlen(s) > 0 && strcmp(s, "unknown status") != 0);
    }
    CHECK_STR(fanzha_status_str(FANZHA_STATUS_OK), "ok");
    CHECK_STR(fanzha_status_str(12345), "unknown status");
    /* Pinned values: part of the ABI. */
    CHECK(FANZHA_STATUS_OK == 0 && FANZHA_STATUS_NULL_ARGUMENT == 1 && FANZHA_STATUS_PANIC == 2);
    CHECK(FANZHA_STATUS_PACK_BAD_MAGIC == 100 && FANZHA_STATUS_PACK_REJECTED == 107);
    CHECK(FANZHA_STATUS_PACK_UNSIGNED == 108 && FANZHA_STATUS_PACK_BAD_KEY == 110);
    CHECK(FANZHA_RISK_NONE == 0 && FANZHA_RISK_CRITICAL == 4);
    CHECK(FANZHA_LANG_ZH == 0 && FANZHA_LANG_EN == 1);

    CHECK_STR(fanzha_risk_str(FANZHA_RISK_NONE), "none");
    CHECK_STR(fanzha_risk_str(FANZHA_RISK_LOW), "low");
    CHECK_STR(fanzha_risk_str(FANZHA_RISK_MEDIUM), "medium");
    CHECK_STR(fanzha_risk_str(FANZHA_RISK_HIGH), "high");
    CHECK_STR(fanzha_risk_str(FANZHA_RISK_CRITICAL), "critical");
    CHECK_STR(fanzha_risk_str(5), "unknown");

    /* Link flags: pinned bits, stable names. */
    const struct {
        uint32_t flag;
        const char *name;
    } flags[] = {
        {FANZHA_LINK_FLAG_NO_SCHEME, "no_scheme"},
        {FANZHA_LINK_FLAG_DODGED, "dodged"},
        {FANZHA_LINK_FLAG_IP, "ip"},
        {FANZHA_LINK_FLAG_IP_OBFUSCATED, "ip_obfuscated"},
        {FANZHA_LINK_FLAG_SHORTENER, "shortener"},
        {FANZHA_LINK_FLAG_RISKY_TLD, "risky_tld"},
        {FANZHA_LINK_FLAG_PUNYCODE, "punycode"},
        {FANZHA_LINK_FLAG_MIXED_SCRIPT, "mixed_script"},
        {FANZHA_LINK_FLAG_CONFUSABLE, "confusable"},
        {FANZHA_LINK_FLAG_BRAND_LOOKALIKE, "brand_lookalike"},
        {FANZHA_LINK_FLAG_BRAND_OFFICIAL, "brand_official"},
        {FANZHA_LINK_FLAG_APP_DOWNLOAD, "app_download"},
        {FANZHA_LINK_FLAG_CREDENTIAL_PATH, "credential_path"},
        {FANZHA_LINK_FLAG_KNOWN_BAD, "known_bad"},
        {FANZHA_LINK_FLAG_KNOWN_GOOD, "known_good"},
        {FANZHA_LINK_FLAG_USERINFO, "userinfo"},
        {FANZHA_LINK_FLAG_PORT, "port"},
        {FANZHA_LINK_FLAG_FREE_HOSTING, "free_hosting"},
        {FANZHA_LINK_FLAG_DECEPTIVE_SUBDOMAIN, "deceptive_subdomain"},
        {FANZHA_LINK_FLAG_BRAND_IN_PATH, "brand_in_path"},
        {FANZHA_LINK_FLAG_LONG_HOST, "long_host"},
        {FANZHA_LINK_FLAG_HYPHENATED, "hyphenated"},
        {FANZHA_LINK_FLAG_RANDOM_LABEL, "random_label"},
        {FANZHA_LINK_FLAG_SUSPICIOUS_PATH, "suspicious_path"},
        {FANZHA_LINK_FLAG_LURE, "lure"},
        {FANZHA_LINK_FLAG_DEEP_SUBDOMAIN, "deep_subdomain"},
        {FANZHA_LINK_FLAG_HOST_IN_PATH, "host_in_path"},
        {FANZHA_LINK_FLAG_RANDOM_PATH, "random_path"},
        {FANZHA_LINK_FLAG_SCRIPT_PAGE, "script_page"},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        CHECK((uint32_t)flags[i].flag == (uint32_t)1 << i);
        CHECK_STR(fanzha_link_flag_str(flags[i].flag), flags[i].name);
    }
    CHECK_STR(fanzha_link_flag_str(0), "unknown");
    CHECK_STR(fanzha_link_flag_str(FANZHA_LINK_FLAG_IP | FANZHA_LINK_FLAG_PORT), "unknown");
    CHECK_STR(fanzha_link_flag_str((uint32_t)1 << 31), "unknown");
    CHECK_STR(fanzha_link_flag_str(UINT32_MAX), "unknown");

    /* Entity types: pinned values, stable names. */
    const char *types[] = {"none",  "mobile",    "virtual_mobile", "intl_phone",
                           "landline", "service_number", "qq",  "wechat",
                           "bank_card", "id_card", "money", "email"};
    for (uint32_t t = 0; t < sizeof types / sizeof types[0]; t++)
        CHECK_STR(fanzha_entity_type_str(t), types[t]);
    CHECK(FANZHA_ENTITY_TYPE_NONE == 0 && FANZHA_ENTITY_TYPE_MOBILE == 1);
    CHECK(FANZHA_ENTITY_TYPE_INTL_PHONE == 3 && FANZHA_ENTITY_TYPE_QQ == 6);
    CHECK(FANZHA_ENTITY_TYPE_EMAIL == 11);
    CHECK_STR(fanzha_entity_type_str(FANZHA_ENTITY_TYPE_BANK_CARD), "bank_card");
    CHECK_STR(fanzha_entity_type_str(12), "unknown");
    CHECK_STR(fanzha_entity_type_str(UINT32_MAX), "unknown");
}

static void test_default_engine(const char *dir) {
    CHECK(fanzha_engine_new(NULL) == FANZHA_STATUS_NULL_ARGUMENT);
    fanzha_engine *e = NULL;
    CHECK(fanzha_engine_new(&e) == FANZHA_STATUS_OK);
    CHECK(e != NULL);

    char version[FANZHA_PACK_VERSION_MAX];
    size_t n = 0;
    CHECK(fanzha_engine_pack_version(e, version, sizeof version, &n) == FANZHA_STATUS_OK);
    CHECK(n > 0 && n == strlen(version));
    CHECK(fanzha_engine_pack_version(e, version, sizeof version, NULL) == FANZHA_STATUS_OK);

    buf expect = read_file(dir, "expect_default.json");
    fanzha_result *r = scan(e, TEXT_DEFAULT);
    CHECK_STR(fanzha_result_json(r), (const char *)expect.data);
    CHECK_STR(fanzha_result_pack_version(r), version);
    CHECK(fanzha_result_risk(r) >= FANZHA_RISK_LOW);
    fanzha_result_free(r);
    free(expect.data);
    fanzha_engine_free(e);
}

static void test_load_errors(const char *dir) {
    buf a = read_file(dir, "pack_a.fzpack");
    fanzha_engine *sentinel = (fanzha_engine *)(uintptr_t)0x1;
    fanzha_engine *e = sentinel;
    char err[256];

    /* NULL arguments. */
    strcpy(err, "untouched");
    CHECK(fanzha_engine_from_pack(NULL, 10, &e, err, sizeof err) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(e == sentinel && strcmp(err, "untouched") != 0 && strlen(err) > 0);
    CHECK(fanzha_engine_from_pack(a.data, a.len, NULL, err, sizeof err) ==
          FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_engine_from_pack(a.data, SIZE_MAX, &e, err, sizeof err) ==
          FANZHA_STATUS_INVALID_ARGUMENT);
    CHECK(e == sentinel);

    /* Each way the bytes can be bad has its own code, and a message. */
    uint8_t *bad = malloc(a.len);
    struct {
        size_t offset; /* byte to change, or SIZE_MAX for none */
        uint8_t value;
        size_t len;
        fanzha_status expect;
    } cases[] = {
        {0, 'X', a.len, FANZHA_STATUS_PACK_BAD_MAGIC},
        {SIZE_MAX, 0, 12, FANZHA_STATUS_PACK_TRUNCATED},
        {SIZE_MAX, 0, a.len - 1, FANZHA_STATUS_PACK_TRUNCATED},
        {8, 99, a.len, FANZHA_STATUS_PACK_UNSUPPORTED_VERSION},
        {10, 2, a.len, FANZHA_STATUS_PACK_BAD_HEADER}, /* an unknown flag */
        {a.len - 1, 0x01, a.len, FANZHA_STATUS_PACK_CHECKSUM_MISMATCH},
        {SIZE_MAX, 0, 0, FANZHA_STATUS_PACK_TRUNCATED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(bad, a.data, a.len);
        if (cases[i].offset != SIZE_MAX) bad[cases[i].offset] ^= cases[i].value;
        err[0] = 0;
        e = sentinel;
        fanzha_status s = fanzha_engine_from_pack(bad, cases[i].len, &e, err, sizeof err);
        if (s != cases[i].expect) fprintf(stderr, "case %zu: status %u (%s)\n", i, s, err);
        CHECK(s == cases[i].expect);
        CHECK(e == sentinel);
        CHECK(strlen(err) > 0);
    }
    free(bad);

    buf invalid = read_file(dir, "pack_invalid.fzpack");
    CHECK(fanzha_engine_from_pack(invalid.data, invalid.len, &e, err, sizeof err) ==
          FANZHA_STATUS_PACK_INVALID);
    CHECK(e == sentinel);
    CHECK(strstr(err, "invalid pack") != NULL);
    /* The message names the offending rule. */
    CHECK(strstr(err, "bad.fullwidth") != NULL);

    /* A small buffer gets a cut, NUL-terminated message; a NULL buffer is fine. */
    char small[8];
    memset(small, 'x', sizeof small);
    CHECK(fanzha_engine_from_pack(invalid.data, invalid.len, &e, small, sizeof small) ==
          FANZHA_STATUS_PACK_INVALID);
    CHECK(strlen(small) == 7);
    CHECK(fanzha_engine_from_pack(invalid.data, invalid.len, &e, NULL, 0) ==
          FANZHA_STATUS_PACK_INVALID);
    CHECK(fanzha_engine_from_pack(invalid.data, invalid.len, &e, small, 0) ==
          FANZHA_STATUS_PACK_INVALID);
    CHECK(e == sentinel);

    /* Success leaves the error buffer alone. */
    strcpy(err, "untouched");
    CHECK(fanzha_engine_from_pack(a.data, a.len, &e, err, sizeof err) == FANZHA_STATUS_OK);
    CHECK(e != sentinel && e != NULL);
    CHECK_STR(err, "untouched");
    fanzha_engine_free(e);

    /* Peeking at a pack's version. */
    char v[FANZHA_PACK_VERSION_MAX];
    size_t n = 0;
    CHECK(fanzha_pack_peek_version(a.data, a.len, v, sizeof v, &n) == FANZHA_STATUS_OK);
    CHECK_STR(v, "ffi-test-A");
    CHECK(n == strlen("ffi-test-A"));
    char tiny[4] = {'x', 'x', 'x', 'x'};
    n = 99;
    CHECK(fanzha_pack_peek_version(a.data, a.len, tiny, sizeof tiny, &n) ==
          FANZHA_STATUS_BUFFER_TOO_SMALL);
    CHECK(tiny[0] == 'x' && n == 99);
    CHECK(fanzha_pack_peek_version(NULL, 0, v, sizeof v, &n) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_pack_peek_version(a.data, a.len, NULL, 0, &n) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_pack_peek_version((const uint8_t *)"NOTAPACK....................", 28, v,
                                   sizeof v, &n) == FANZHA_STATUS_PACK_BAD_MAGIC);

    free(invalid.data);
    free(a.data);
}

static void test_scan_pack_a(const char *dir) {
    buf a = read_file(dir, "pack_a.fzpack");
    buf expect = read_file(dir, "expect_a.json");
    fanzha_engine *e = NULL;
    CHECK(fanzha_engine_from_pack(a.data, a.len, &e, NULL, 0) == FANZHA_STATUS_OK);
    /* The engine copied what it needs. */
    memset(a.data, 0, a.len);
    free(a.data);

    char version[FANZHA_PACK_VERSION_MAX];
    CHECK(fanzha_engine_pack_version(e, version, sizeof version, NULL) == FANZHA_STATUS_OK);
    CHECK_STR(version, "ffi-test-A");
    char tiny[4];
    CHECK(fanzha_engine_pack_version(e, tiny, sizeof tiny, NULL) == FANZHA_STATUS_BUFFER_TOO_SMALL);
    CHECK(fanzha_engine_pack_version(NULL, version, sizeof version, NULL) ==
          FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_engine_pack_version(e, NULL, 10, NULL) == FANZHA_STATUS_NULL_ARGUMENT);

    /* "在家刷单，先垫付": 刷单 at bytes 6..12, 垫付 at 18..24. */
    fanzha_result *r = NULL;
    const char *sender = "10690000";
    CHECK(fanzha_engine_scan(e, (const uint8_t *)TEXT_A, strlen(TEXT_A), (const uint8_t *)sender,
                             strlen(sender), &r) == FANZHA_STATUS_OK);
    CHECK(fanzha_result_risk(r) == FANZHA_RISK_MEDIUM);
    CHECK(fanzha_result_score(r) == 50);
    CHECK(!fanzha_result_truncated(r));
    CHECK_STR(fanzha_result_pack_version(r), "ffi-test-A");

    CHECK(fanzha_result_category_count(r) == 1);
    CHECK_STR(fanzha_result_category_id(r, 0), "order_brushing");
    CHECK(fanzha_result_category_score(r, 0) == 50);
    CHECK(fanzha_result_category_id(r, 1) == NULL);
    CHECK(fanzha_result_category_score(r, 1) == 0);

    CHECK(fanzha_result_hit_count(r) == 2);
    size_t start = 99, end = 99;
    CHECK_STR(fanzha_result_hit_rule(r, 0), "ob.shuadan");
    CHECK_STR(fanzha_result_hit_category(r, 0), "order_brushing");
    CHECK(fanzha_result_hit_weight(r, 0) == 50);
    CHECK(fanzha_result_hit_span(r, 0, &start, &end) == FANZHA_STATUS_OK);
    CHECK(start == 6 && end == 12);
    CHECK(memcmp(TEXT_A + start, "刷单", end - start) == 0);
    CHECK_STR(fanzha_result_hit_text(r, 0), "刷单");

    CHECK_STR(fanzha_result_hit_rule(r, 1), "cue.pay_first");
    CHECK(fanzha_result_hit_category(r, 1) == NULL); /* a cue */
    CHECK(fanzha_result_hit_weight(r, 1) == 0);
    CHECK(fanzha_result_hit_span(r, 1, &start, &end) == FANZHA_STATUS_OK);
    CHECK(start == 18 && end == 24);
    CHECK_STR(fanzha_result_hit_text(r, 1), "垫付");

    /* Out of range. */
    start = end = 77;
    CHECK(fanzha_result_hit_rule(r, 2) == NULL);
    CHECK(fanzha_result_hit_category(r, 2) == NULL);
    CHECK(fanzha_result_hit_weight(r, 2) == 0);
    CHECK(fanzha_result_hit_text(r, 2) == NULL);
    CHECK(fanzha_result_hit_span(r, 2, &start, &end) == FANZHA_STATUS_OUT_OF_RANGE);
    CHECK(start == 77 && end == 77);
    CHECK(fanzha_result_hit_span(r, 0, NULL, &end) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_result_hit_span(r, 0, &start, NULL) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(start == 77 && end == 77);

    CHECK_STR(fanzha_result_advice_category(r), "order_brushing");
    CHECK_STR(fanzha_result_advice_title(r, FANZHA_LANG_ZH), "刷单返利诈骗");
    CHECK_STR(fanzha_result_advice_title(r, FANZHA_LANG_EN), "Order-brushing scam");
    CHECK_STR(fanzha_result_advice_text(r, FANZHA_LANG_ZH), "刷单都是诈骗，不要垫付。");
    CHECK_STR(fanzha_result_advice_text(r, FANZHA_LANG_EN), "Paying first for a task is a scam.");
    CHECK(fanzha_result_advice_title(r, 2) == NULL);
    CHECK(fanzha_result_advice_text(r, 7) == NULL);

    /* The JSON is core's Verdict::to_json, byte for byte. */
    CHECK_STR(fanzha_result_json(r), (const char *)expect.data);
    free(expect.data);
    fanzha_result_free(r);

    /* Without a sender the verdict is the same here. */
    r = scan(e, TEXT_A);
    CHECK(fanzha_result_score(r) == 50);
    fanzha_result_free(r);

    /* A clean message: no categories, no hits, no advice. */
    r = scan(e, "明天下午三点开会");
    CHECK(fanzha_result_risk(r) == FANZHA_RISK_NONE);
    CHECK(fanzha_result_score(r) == 0);
    CHECK(fanzha_result_category_count(r) == 0 && fanzha_result_hit_count(r) == 0);
    CHECK(fanzha_result_advice_category(r) == NULL);
    CHECK(fanzha_result_advice_title(r, FANZHA_LANG_ZH) == NULL);
    CHECK(fanzha_result_advice_text(r, FANZHA_LANG_EN) == NULL);
    CHECK(strstr(fanzha_result_json(r), "\"advice\":null") != NULL);
    fanzha_result_free(r);

    /* Empty text (non-NULL pointer, length 0). */
    r = NULL;
    CHECK(fanzha_engine_scan(e, (const uint8_t *)"", 0, NULL, 0, &r) == FANZHA_STATUS_OK);
    CHECK(fanzha_result_risk(r) == FANZHA_RISK_NONE && fanzha_result_hit_count(r) == 0);
    fanzha_result_free(r);

    /* Invalid UTF-8 is accepted; each invalid sequence is a break; offsets stay exact. */
    const char inv[] = "\xff\xfe刷单\xc3";
    r = scan(e, inv);
    CHECK(fanzha_result_hit_count(r) == 1);
    CHECK(fanzha_result_hit_span(r, 0, &start, &end) == FANZHA_STATUS_OK);
    CHECK(start == 2 && end == 8);
    CHECK_STR(fanzha_result_hit_text(r, 0), "刷单");
    CHECK(fanzha_result_json(r) != NULL);
    fanzha_result_free(r);
    /* An invalid byte inside the keyword breaks it. */
    r = scan(e, "刷\xff单");
    CHECK(fanzha_result_hit_count(r) == 0);
    fanzha_result_free(r);
    /* Invalid UTF-8 in the sender is accepted too. */
    r = NULL;
    CHECK(fanzha_engine_scan(e, (const uint8_t *)TEXT_A, strlen(TEXT_A), (const uint8_t *)"\xff",
                             1, &r) == FANZHA_STATUS_OK);
    fanzha_result_free(r);
    /* NUL bytes inside the text. */
    const uint8_t nul[] = {0, 0xe5, 0x88, 0xb7, 0xe5, 0x8d, 0x95, 0};
    r = NULL;
    CHECK(fanzha_engine_scan(e, nul, sizeof nul, NULL, 0, &r) == FANZHA_STATUS_OK);
    CHECK(fanzha_result_hit_count(r) == 1);
    CHECK(fanzha_result_hit_span(r, 0, &start, &end) == FANZHA_STATUS_OK);
    CHECK(start == 1 && end == 7);
    fanzha_result_free(r);

    /* 10 MB of text: scanned up to the engine's 1 MiB limit, and the result says so. */
    size_t big_len = 10u * 1000u * 1000u;
    uint8_t *big = malloc(big_len);
    CHECK(big != NULL);
    memset(big, 'a', big_len);
    for (size_t i = 0; i + 1 < big_len; i += 100) big[i] = ' ';
    memcpy(big + 1000, "刷单", 6);
    memcpy(big + 5000000, "垫付", 6);
    r = NULL;
    CHECK(fanzha_engine_scan(e, big, big_len, NULL, 0, &r) == FANZHA_STATUS_OK);
    CHECK(fanzha_result_truncated(r));
    CHECK(fanzha_result_hit_count(r) == 1);
    CHECK_STR(fanzha_result_hit_rule(r, 0), "ob.shuadan");
    CHECK(fanzha_result_hit_span(r, 0, &start, &end) == FANZHA_STATUS_OK);
    CHECK(start == 1000 && end == 1006);
    CHECK(strstr(fanzha_result_json(r), "\"truncated\":true") != NULL);
    fanzha_result_free(r);
    free(big);

    /* Scan errors leave *result_out alone. */
    fanzha_result *sentinel = (fanzha_result *)(uintptr_t)0x1;
    r = sentinel;
    CHECK(fanzha_engine_scan(NULL, (const uint8_t *)TEXT_A, 3, NULL, 0, &r) ==
          FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_engine_scan(e, NULL, 3, NULL, 0, &r) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_engine_scan(e, NULL, 0, NULL, 0, &r) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_engine_scan(e, (const uint8_t *)TEXT_A, 3, NULL, 0, NULL) ==
          FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_engine_scan(e, (const uint8_t *)TEXT_A, SIZE_MAX, NULL, 0, &r) ==
          FANZHA_STATUS_INVALID_ARGUMENT);
    CHECK(fanzha_engine_scan(e, (const uint8_t *)TEXT_A, 3, (const uint8_t *)"1", SIZE_MAX, &r) ==
          FANZHA_STATUS_INVALID_ARGUMENT);
    CHECK(r == sentinel);

    fanzha_engine_free(e);
}

/* Offset of `needle` in TEXT_LINKS, in bytes (it must occur). */
static size_t offset_in_links_text(const char *needle) {
    const char *p = strstr(TEXT_LINKS, needle);
    CHECK(p != NULL);
    return (size_t)(p - TEXT_LINKS);
}

typedef fanzha_status (*span_fn)(const fanzha_result *, size_t, size_t *, size_t *);

/* Checks that span(r, index) is the bytes of `original` in TEXT_LINKS; returns its start. */
static size_t check_span(span_fn span, const fanzha_result *r, size_t index,
                         const char *original) {
    size_t start = 0, end = 0;
    fanzha_status s = span(r, index, &start, &end);
    if (s != FANZHA_STATUS_OK || start != offset_in_links_text(original))
        fprintf(stderr, "span of \"%s\": status %u, %zu..%zu\n", original, (unsigned)s, start,
                end);
    CHECK(s == FANZHA_STATUS_OK);
    CHECK(start == offset_in_links_text(original));
    CHECK(end == start + strlen(original));
    CHECK(memcmp(TEXT_LINKS + start, original, end - start) == 0);
    return start;
}

static void test_links_and_entities(const char *dir) {
    buf a = read_file(dir, "pack_a.fzpack");
    buf expect = read_file(dir, "expect_links.json");
    fanzha_engine *e = NULL;
    CHECK(fanzha_engine_from_pack(a.data, a.len, &e, NULL, 0) == FANZHA_STATUS_OK);
    free(a.data);
    fanzha_result *r = scan(e, TEXT_LINKS);
    size_t start = 0, end = 0;

    CHECK(fanzha_result_link_count(r) == 3);

    /* A dodged look-alike of the brand: 点 for the dot, no scheme. Its bytes start at 39, its
     * characters at 15: the span counts bytes of the caller's text. */
    CHECK(check_span(fanzha_result_link_span, r, 0, "icbc-vip点top/login") == 39);
    CHECK_STR(fanzha_result_link_url(r, 0), "http://icbc-vip.top/login");
    CHECK_STR(fanzha_result_link_host(r, 0), "icbc-vip.top");
    CHECK_STR(fanzha_result_link_domain(r, 0), "icbc-vip.top");
    CHECK_STR(fanzha_result_link_brand(r, 0), "icbc");
    uint32_t f = fanzha_result_link_flags(r, 0);
    CHECK(f == (FANZHA_LINK_FLAG_NO_SCHEME | FANZHA_LINK_FLAG_DODGED | FANZHA_LINK_FLAG_RISKY_TLD |
                FANZHA_LINK_FLAG_BRAND_LOOKALIKE | FANZHA_LINK_FLAG_CREDENTIAL_PATH));

    /* The brand's official site. */
    check_span(fanzha_result_link_span, r, 1, "https://www.icbc.com.cn/x");
    CHECK_STR(fanzha_result_link_url(r, 1), "https://www.icbc.com.cn/x");
    CHECK_STR(fanzha_result_link_host(r, 1), "www.icbc.com.cn");
    CHECK_STR(fanzha_result_link_domain(r, 1), "icbc.com.cn");
    CHECK_STR(fanzha_result_link_brand(r, 1), "icbc");
    f = fanzha_result_link_flags(r, 1);
    CHECK((f & FANZHA_LINK_FLAG_BRAND_OFFICIAL) && !(f & FANZHA_LINK_FLAG_BRAND_LOOKALIKE));

    /* An IP address: no registrable domain, no brand. */
    check_span(fanzha_result_link_span, r, 2, "http://10.0.0.1:8080/a");
    CHECK(strncmp(fanzha_result_link_url(r, 2), "http://10.0.0.1", 15) == 0);
    CHECK_STR(fanzha_result_link_host(r, 2), "10.0.0.1");
    CHECK(fanzha_result_link_domain(r, 2) == NULL);
    CHECK(fanzha_result_link_brand(r, 2) == NULL);
    f = fanzha_result_link_flags(r, 2);
    CHECK((f & FANZHA_LINK_FLAG_IP) && (f & FANZHA_LINK_FLAG_PORT));
    CHECK(!(f & FANZHA_LINK_FLAG_NO_SCHEME));

    /* Links out of range: defaults, out-parameters untouched. */
    start = end = 77;
    CHECK(fanzha_result_link_span(r, 3, &start, &end) == FANZHA_STATUS_OUT_OF_RANGE);
    CHECK(fanzha_result_link_span(r, SIZE_MAX, &start, &end) == FANZHA_STATUS_OUT_OF_RANGE);
    CHECK(fanzha_result_link_span(r, 0, NULL, &end) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_result_link_span(r, 0, &start, NULL) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(start == 77 && end == 77);
    CHECK(fanzha_result_link_url(r, 3) == NULL);
    CHECK(fanzha_result_link_host(r, 3) == NULL);
    CHECK(fanzha_result_link_domain(r, 3) == NULL);
    CHECK(fanzha_result_link_brand(r, 3) == NULL);
    CHECK(fanzha_result_link_flags(r, 3) == 0);
    CHECK(fanzha_result_link_url(r, SIZE_MAX) == NULL);

    /* Entities: a mobile number in full-width digits split by spaces, and a QQ number. The
     * value is normalised; the span is the original full-width bytes. */
    CHECK(fanzha_result_entity_count(r) == 2);
    CHECK(fanzha_result_entity_type(r, 0) == FANZHA_ENTITY_TYPE_MOBILE);
    CHECK_STR(fanzha_entity_type_str(fanzha_result_entity_type(r, 0)), "mobile");
    CHECK_STR(fanzha_result_entity_value(r, 0), "13812345678");
    start = check_span(fanzha_result_entity_span, r, 0, "１３８ １２３４ ５６７８");
    CHECK(fanzha_result_entity_span(r, 0, &start, &end) == FANZHA_STATUS_OK);
    CHECK(end - start == 35); /* 11 full-width digits of 3 bytes, and 2 spaces */
    CHECK(fanzha_result_entity_type(r, 1) == FANZHA_ENTITY_TYPE_QQ);
    CHECK_STR(fanzha_result_entity_value(r, 1), "12345678");
    check_span(fanzha_result_entity_span, r, 1, "12345678");

    start = end = 77;
    CHECK(fanzha_result_entity_type(r, 2) == FANZHA_ENTITY_TYPE_NONE);
    CHECK(fanzha_result_entity_value(r, 2) == NULL);
    CHECK(fanzha_result_entity_span(r, 2, &start, &end) == FANZHA_STATUS_OUT_OF_RANGE);
    CHECK(fanzha_result_entity_span(r, SIZE_MAX, &start, &end) == FANZHA_STATUS_OUT_OF_RANGE);
    CHECK(fanzha_result_entity_span(r, 0, NULL, &end) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_result_entity_span(r, 0, &start, NULL) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(start == 77 && end == 77);

    /* The accessors and the JSON (core's Verdict::to_json) say the same. */
    CHECK_STR(fanzha_result_json(r), (const char *)expect.data);
    CHECK(strstr(fanzha_result_json(r), "\"host\":\"icbc-vip.top\"") != NULL);
    free(expect.data);

    /* Strings stay valid after the engine is freed. */
    fanzha_engine_free(e);
    CHECK_STR(fanzha_result_link_host(r, 0), "icbc-vip.top");
    CHECK_STR(fanzha_result_entity_value(r, 0), "13812345678");
    fanzha_result_free(r);

    /* A message without links or entities. */
    CHECK(fanzha_engine_new(&e) == FANZHA_STATUS_OK);
    r = scan(e, "明天下午三点开会");
    CHECK(fanzha_result_link_count(r) == 0 && fanzha_result_entity_count(r) == 0);
    CHECK(fanzha_result_link_host(r, 0) == NULL);
    CHECK(fanzha_result_link_span(r, 0, &start, &end) == FANZHA_STATUS_OUT_OF_RANGE);
    CHECK(fanzha_result_entity_type(r, 0) == FANZHA_ENTITY_TYPE_NONE);
    CHECK(fanzha_result_entity_span(r, 0, &start, &end) == FANZHA_STATUS_OUT_OF_RANGE);
    fanzha_result_free(r);

    /* Invalid UTF-8 and a NUL before a link: spans stay exact byte offsets. */
    const uint8_t raw[] = "\xff\x00x.top/a \xc3";
    r = NULL;
    CHECK(fanzha_engine_scan(e, raw, sizeof raw - 1, NULL, 0, &r) == FANZHA_STATUS_OK);
    CHECK(fanzha_result_link_count(r) == 1);
    CHECK(fanzha_result_link_span(r, 0, &start, &end) == FANZHA_STATUS_OK);
    CHECK(start == 2 && end == 9);
    CHECK_STR(fanzha_result_link_host(r, 0), "x.top");
    fanzha_result_free(r);
    fanzha_engine_free(e);
}

static void test_null_getters(void) {
    CHECK(fanzha_result_risk(NULL) == FANZHA_RISK_NONE);
    CHECK(fanzha_result_score(NULL) == 0);
    CHECK(!fanzha_result_truncated(NULL));
    CHECK(fanzha_result_pack_version(NULL) == NULL);
    CHECK(fanzha_result_category_count(NULL) == 0);
    CHECK(fanzha_result_category_id(NULL, 0) == NULL);
    CHECK(fanzha_result_category_score(NULL, 0) == 0);
    CHECK(fanzha_result_hit_count(NULL) == 0);
    CHECK(fanzha_result_hit_rule(NULL, 0) == NULL);
    CHECK(fanzha_result_hit_category(NULL, 0) == NULL);
    CHECK(fanzha_result_hit_weight(NULL, 0) == 0);
    CHECK(fanzha_result_hit_text(NULL, 0) == NULL);
    size_t s = 5, t = 5;
    CHECK(fanzha_result_hit_span(NULL, 0, &s, &t) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(s == 5 && t == 5);
    CHECK(fanzha_result_advice_category(NULL) == NULL);
    CHECK(fanzha_result_advice_title(NULL, FANZHA_LANG_ZH) == NULL);
    CHECK(fanzha_result_advice_text(NULL, FANZHA_LANG_ZH) == NULL);
    CHECK(fanzha_result_json(NULL) == NULL);
    CHECK(fanzha_result_link_count(NULL) == 0);
    CHECK(fanzha_result_link_span(NULL, 0, &s, &t) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(s == 5 && t == 5);
    CHECK(fanzha_result_link_url(NULL, 0) == NULL);
    CHECK(fanzha_result_link_host(NULL, 0) == NULL);
    CHECK(fanzha_result_link_domain(NULL, 0) == NULL);
    CHECK(fanzha_result_link_brand(NULL, 0) == NULL);
    CHECK(fanzha_result_link_flags(NULL, 0) == 0);
    CHECK(fanzha_result_entity_count(NULL) == 0);
    CHECK(fanzha_result_entity_type(NULL, 0) == FANZHA_ENTITY_TYPE_NONE);
    CHECK(fanzha_result_entity_span(NULL, 0, &s, &t) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(s == 5 && t == 5);
    CHECK(fanzha_result_entity_value(NULL, 0) == NULL);
    fanzha_result_free(NULL);
    fanzha_engine_free(NULL);
}

static void test_swap(const char *dir) {
    buf a = read_file(dir, "pack_a.fzpack");
    buf b = read_file(dir, "pack_b.fzpack");
    buf invalid = read_file(dir, "pack_invalid.fzpack");
    fanzha_engine *e = NULL;
    CHECK(fanzha_engine_from_pack(a.data, a.len, &e, NULL, 0) == FANZHA_STATUS_OK);

    fanzha_result *before = scan(e, TEXT_SWAP);
    CHECK(fanzha_result_score(before) == 50);

    /* A pack that fails to load leaves the old one serving. */
    char err[128] = "";
    CHECK(fanzha_engine_swap_pack(e, invalid.data, invalid.len, err, sizeof err) ==
          FANZHA_STATUS_PACK_INVALID);
    CHECK(strlen(err) > 0);
    CHECK(fanzha_engine_swap_pack(e, b.data, b.len - 1, err, sizeof err) ==
          FANZHA_STATUS_PACK_TRUNCATED);
    CHECK(fanzha_engine_swap_pack(e, NULL, 0, err, sizeof err) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_engine_swap_pack(NULL, b.data, b.len, err, sizeof err) ==
          FANZHA_STATUS_NULL_ARGUMENT);
    fanzha_result *r = scan(e, TEXT_SWAP);
    CHECK(fanzha_result_score(r) == 50);
    CHECK_STR(fanzha_result_pack_version(r), "ffi-test-A");
    fanzha_result_free(r);

    /* A good pack takes over. */
    strcpy(err, "untouched");
    CHECK(fanzha_engine_swap_pack(e, b.data, b.len, err, sizeof err) == FANZHA_STATUS_OK);
    CHECK_STR(err, "untouched");
    char version[FANZHA_PACK_VERSION_MAX];
    CHECK(fanzha_engine_pack_version(e, version, sizeof version, NULL) == FANZHA_STATUS_OK);
    CHECK_STR(version, "ffi-test-B");
    r = scan(e, TEXT_SWAP);
    CHECK(fanzha_result_risk(r) == FANZHA_RISK_CRITICAL);
    CHECK(fanzha_result_score(r) == 120);
    CHECK_STR(fanzha_result_hit_rule(r, 0), "swap.marker");
    CHECK_STR(fanzha_result_pack_version(r), "ffi-test-B");

    /* Results outlive the swap and the engine. */
    fanzha_engine_free(e);
    CHECK_STR(fanzha_result_hit_rule(before, 0), "ob.shuadan");
    CHECK_STR(fanzha_result_pack_version(before), "ffi-test-A");
    CHECK_STR(fanzha_result_advice_title(before, FANZHA_LANG_ZH), "刷单返利诈骗");
    CHECK_STR(fanzha_result_hit_rule(r, 0), "swap.marker");
    fanzha_result_free(before);
    fanzha_result_free(r);
    free(a.data);
    free(b.data);
    free(invalid.data);
}

static void test_signatures(const char *dir) {
    buf a = read_file(dir, "pack_a.fzpack");
    buf b = read_file(dir, "pack_b.fzpack");
    buf signed_b = read_file(dir, "pack_b_signed.fzpack");
    buf other = read_file(dir, "pack_b_other_key.fzpack");
    buf key = read_file(dir, "pubkey.bin");
    buf bad_key = read_file(dir, "badkey.bin");
    CHECK(key.len == 32 && bad_key.len == 32);
    char err[256];
    char version[FANZHA_PACK_VERSION_MAX];

    fanzha_engine *e = NULL;
    CHECK(fanzha_engine_from_pack(a.data, a.len, &e, NULL, 0) == FANZHA_STATUS_OK);
    /* Without a required key, signed packs load too (the signature is not checked). */
    CHECK(fanzha_engine_swap_pack(e, other.data, other.len, NULL, 0) == FANZHA_STATUS_OK);
    CHECK(fanzha_engine_swap_pack(e, a.data, a.len, NULL, 0) == FANZHA_STATUS_OK);

    CHECK(fanzha_engine_require_signature(NULL, key.data, 32) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_engine_require_signature(e, NULL, 32) == FANZHA_STATUS_NULL_ARGUMENT);
    CHECK(fanzha_engine_require_signature(e, key.data, 31) == FANZHA_STATUS_INVALID_ARGUMENT);
    CHECK(fanzha_engine_require_signature(e, key.data, 33) == FANZHA_STATUS_INVALID_ARGUMENT);
    /* None of those set a key: an unsigned pack still loads. */
    CHECK(fanzha_engine_swap_pack(e, a.data, a.len, NULL, 0) == FANZHA_STATUS_OK);

    CHECK(fanzha_engine_require_signature(e, key.data, 32) == FANZHA_STATUS_OK);
    CHECK(fanzha_engine_swap_pack(e, b.data, b.len, err, sizeof err) == FANZHA_STATUS_PACK_UNSIGNED);
    CHECK(strstr(err, "not signed") != NULL);
    CHECK(fanzha_engine_swap_pack(e, other.data, other.len, err, sizeof err) ==
          FANZHA_STATUS_PACK_BAD_SIGNATURE);
    CHECK(fanzha_engine_pack_version(e, version, sizeof version, NULL) == FANZHA_STATUS_OK);
    CHECK_STR(version, "ffi-test-A"); /* the old pack keeps serving */
    CHECK(fanzha_engine_swap_pack(e, signed_b.data, signed_b.len, err, sizeof err) ==
          FANZHA_STATUS_OK);
    CHECK(fanzha_engine_pack_version(e, version, sizeof version, NULL) == FANZHA_STATUS_OK);
    CHECK_STR(version, "ffi-test-B");
    fanzha_result *r = scan(e, TEXT_SWAP);
    CHECK(fanzha_result_score(r) == 120);
    fanzha_result_free(r);

    /* A key that is not a curve point: every swap fails, the pack in use stays. */
    CHECK(fanzha_engine_require_signature(e, bad_key.data, 32) == FANZHA_STATUS_OK);
    CHECK(fanzha_engine_swap_pack(e, signed_b.data, signed_b.len, err, sizeof err) ==
          FANZHA_STATUS_PACK_BAD_KEY);
    memset(version, 0, sizeof version);
    CHECK(fanzha_engine_pack_version(e, version, sizeof version, NULL) == FANZHA_STATUS_OK);
    CHECK_STR(version, "ffi-test-B");
    fanzha_engine_free(e);

    free(a.data);
    free(b.data);
    free(signed_b.data);
    free(other.data);
    free(key.data);
    free(bad_key.data);
}

/* Many threads scan one engine while another swaps its pack back and forth. */
#define SCANNERS 8
#define SCANS_PER_THREAD 300
#define SWAPS 60

typedef struct {
    fanzha_engine *engine;
    int seen_a, seen_b;
} scanner_arg;

typedef struct {
    fanzha_engine *engine;
    buf a, b, invalid;
} swapper_arg;

static void *scanner(void *p) {
    scanner_arg *arg = p;
    for (int i = 0; i < SCANS_PER_THREAD; i++) {
        fanzha_result *r = NULL;
        if (fanzha_engine_scan(arg->engine, (const uint8_t *)TEXT_SWAP, strlen(TEXT_SWAP), NULL, 0,
                               &r) != FANZHA_STATUS_OK)
            exit(10);
        const char *v = fanzha_result_pack_version(r);
        /* Each result is wholly from one pack. */
        if (strcmp(v, "ffi-test-A") == 0) {
            if (fanzha_result_score(r) != 50 || strcmp(fanzha_result_hit_rule(r, 0), "ob.shuadan"))
                exit(11);
            arg->seen_a++;
        } else if (strcmp(v, "ffi-test-B") == 0) {
            if (fanzha_result_score(r) != 120 ||
                strcmp(fanzha_result_hit_rule(r, 0), "swap.marker"))
                exit(12);
            arg->seen_b++;
        } else {
            exit(13);
        }
        char version[FANZHA_PACK_VERSION_MAX];
        if (fanzha_engine_pack_version(arg->engine, version, sizeof version, NULL) !=
            FANZHA_STATUS_OK)
            exit(14);
        fanzha_result_free(r);
    }
    return NULL;
}

static void *swapper(void *p) {
    swapper_arg *arg = p;
    for (int i = 0; i < SWAPS; i++) {
        buf *next = (i % 2 == 0) ? &arg->b : &arg->a;
        if (fanzha_engine_swap_pack(arg->engine, next->data, next->len, NULL, 0) !=
            FANZHA_STATUS_OK)
            exit(20);
        if (fanzha_engine_swap_pack(arg->engine, arg->invalid.data, arg->invalid.len, NULL, 0) !=
            FANZHA_STATUS_PACK_INVALID)
            exit(21);
    }
    return NULL;
}

static void test_threads(const char *dir) {
    swapper_arg sw;
    sw.a = read_file(dir, "pack_a.fzpack");
    sw.b = read_file(dir, "pack_b.fzpack");
    sw.invalid = read_file(dir, "pack_invalid.fzpack");
    CHECK(fanzha_engine_from_pack(sw.a.data, sw.a.len, &sw.engine, NULL, 0) == FANZHA_STATUS_OK);

    pthread_t threads[SCANNERS + 1];
    scanner_arg args[SCANNERS];
    for (int i = 0; i < SCANNERS; i++) {
        args[i].engine = sw.engine;
        args[i].seen_a = args[i].seen_b = 0;
        CHECK(pthread_create(&threads[i], NULL, scanner, &args[i]) == 0);
    }
    CHECK(pthread_create(&threads[SCANNERS], NULL, swapper, &sw) == 0);
    int total = 0;
    for (int i = 0; i <= SCANNERS; i++) CHECK(pthread_join(threads[i], NULL) == 0);
    for (int i = 0; i < SCANNERS; i++) total += args[i].seen_a + args[i].seen_b;
    CHECK(total == SCANNERS * SCANS_PER_THREAD);

    /* SWAPS is even: the last good swap installed pack A. */
    char version[FANZHA_PACK_VERSION_MAX];
    CHECK(fanzha_engine_pack_version(sw.engine, version, sizeof version, NULL) ==
          FANZHA_STATUS_OK);
    CHECK_STR(version, "ffi-test-A");
    fanzha_engine_free(sw.engine);
    free(sw.a.data);
    free(sw.b.data);
    free(sw.invalid.data);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
        return 2;
    }
    test_version();
    test_status_and_risk_names();
    test_default_engine(argv[1]);
    test_load_errors(argv[1]);
    test_scan_pack_a(argv[1]);
    test_links_and_entities(argv[1]);
    test_null_getters();
    test_swap(argv[1]);
    test_signatures(argv[1]);
    test_threads(argv[1]);
    printf("c tests: %d checks passed\n", checks);
    return 0;
}
