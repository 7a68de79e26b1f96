/*
 * JNI glue for Android (see ffi/README.md): one engine per process, loaded in JNI_OnLoad;
 * Fanzha.scanJson(byte[] utf8) returns the verdict as UTF-8 JSON bytes, or null on error.
 * Bytes, not jstring: JNI's "modified UTF-8" differs from UTF-8 for NUL and emoji.
 * CI builds it on the host against the JDK's jni.h and runs tests/jni/ on a JVM.
 */
#include <jni.h>
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
