/*
 * JNI glue for Android (see ffi/README.md): one engine per process, loaded in JNI_OnLoad;
 * Fanzha.scanJson(byte[] utf8) returns the verdict as UTF-8 JSON bytes, or null on error;
 * Fanzha.linkSpans / Fanzha.entitySpans(byte[] utf8) return the spans of the links / entities as
 * {start, end, start, end, ...} in UTF-16 units of the Java string the bytes were encoded from
 * (ready for String.substring or a Spannable), or null on error.
 * Bytes, not jstring: JNI's "modified UTF-8" differs from UTF-8 for NUL and emoji.
 * CI builds it on the host against the JDK's jni.h and runs tests/jni/ on a JVM.
 */
#include <jni.h>
#include <stdlib.h>
#include <string.h>

#include <fanzha.h>

static fanzha_engine *engine;

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void)vm;
    (void)reserved;
    return fanzha_engine_new(&engine) == FANZHA_STATUS_OK ? JNI_VERSION_1_6 : JNI_ERR;
}

JNIEXPORT jbyteArray JNICALL Java_com_example_fanzha_Fanzha_scanJson(JNIEnv *env, jclass cls,
                                                                     jbyteArray utf8) {
    (void)cls;
    if (utf8 == NULL) return NULL;
    jsize len = (*env)->GetArrayLength(env, utf8);
    jbyte *text = (*env)->GetByteArrayElements(env, utf8, NULL);
    if (text == NULL) return NULL;
    fanzha_result *r = NULL;
    fanzha_status s = fanzha_engine_scan(engine, (const uint8_t *)text, (size_t)len, NULL, 0, &r);
    (*env)->ReleaseByteArrayElements(env, utf8, text, JNI_ABORT);
    if (s != FANZHA_STATUS_OK) return NULL;
    const char *json = fanzha_result_json(r);
    jsize n = (jsize)strlen(json);
    jbyteArray out = (*env)->NewByteArray(env, n);
    if (out != NULL) (*env)->SetByteArrayRegion(env, out, 0, n, (const jbyte *)json);
    fanzha_result_free(r);
    return out;
}

/* The UTF-16 offset of byte offset `off` of valid UTF-8 `s` (what Java's String.getBytes(UTF_8)
 * produces): one unit per character, two for a 4-byte sequence (a surrogate pair). */
static jint utf16_offset(const uint8_t *s, size_t off) {
    jint units = 0;
    for (size_t i = 0; i < off; i++) {
        if ((s[i] & 0xC0) != 0x80) units += s[i] >= 0xF0 ? 2 : 1;
    }
    return units;
}

typedef size_t (*count_fn)(const fanzha_result *);
typedef fanzha_status (*span_fn)(const fanzha_result *, size_t, size_t *, size_t *);

/* The spans as UTF-16 offsets into a new int array, or NULL (out of memory, a bad index). */
static jintArray to_utf16_spans(JNIEnv *env, const uint8_t *text, const fanzha_result *r,
                                count_fn count, span_fn span) {
    size_t n = count(r);
    jint *offsets = malloc((2 * n + 1) * sizeof *offsets);
    if (offsets == NULL) return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t start = 0, end = 0;
        if (span(r, i, &start, &end) != FANZHA_STATUS_OK) {
            free(offsets);
            return NULL;
        }
        offsets[2 * i] = utf16_offset(text, start);
        offsets[2 * i + 1] = utf16_offset(text, end);
    }
    jintArray out = (*env)->NewIntArray(env, (jsize)(2 * n));
    if (out != NULL) (*env)->SetIntArrayRegion(env, out, 0, (jsize)(2 * n), offsets);
    free(offsets);
    return out;
}

static jintArray spans(JNIEnv *env, jbyteArray utf8, count_fn count, span_fn span) {
    if (utf8 == NULL) return NULL;
    jsize len = (*env)->GetArrayLength(env, utf8);
    jbyte *text = (*env)->GetByteArrayElements(env, utf8, NULL);
    if (text == NULL) return NULL;
    jintArray out = NULL;
    fanzha_result *r = NULL;
    if (fanzha_engine_scan(engine, (const uint8_t *)text, (size_t)len, NULL, 0, &r) ==
        FANZHA_STATUS_OK) {
        out = to_utf16_spans(env, (const uint8_t *)text, r, count, span);
        fanzha_result_free(r);
    }
    (*env)->ReleaseByteArrayElements(env, utf8, text, JNI_ABORT);
    return out;
}

JNIEXPORT jintArray JNICALL Java_com_example_fanzha_Fanzha_linkSpans(JNIEnv *env, jclass cls,
                                                                     jbyteArray utf8) {
    (void)cls;
    return spans(env, utf8, fanzha_result_link_count, fanzha_result_link_span);
}

JNIEXPORT jintArray JNICALL Java_com_example_fanzha_Fanzha_entitySpans(JNIEnv *env, jclass cls,
                                                                       jbyteArray utf8) {
    (void)cls;
    return spans(env, utf8, fanzha_result_entity_count, fanzha_result_entity_span);
}
