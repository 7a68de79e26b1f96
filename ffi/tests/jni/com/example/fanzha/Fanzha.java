package com.example.fanzha;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java side of examples/android/fanzha_jni.c, run on the host JVM by ffi/scripts/ci.sh:
 * java com.example.fanzha.Fanzha MESSAGE EXPECTED_RISK scans MESSAGE from 4 threads and checks
 * every verdict has that risk.
 */
public final class Fanzha {
    static {
        System.loadLibrary("fanzha_jni");
    }

    private static native byte[] scanJson(byte[] utf8);

    public static String scan(String text) {
        byte[] out = scanJson(text.getBytes(StandardCharsets.UTF_8));
        return out == null ? null : new String(out, StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws InterruptedException {
        String want = "{\"risk\":\"" + args[1] + "\"";
        List<Thread> threads = new ArrayList<>();
        List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    String json = scan(args[0]);
                    if (json == null || !json.startsWith(want)) bad.add(String.valueOf(json));
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        if (!bad.isEmpty()) {
            System.err.println("unexpected verdict: " + bad.get(0));
            System.exit(1);
        }
        System.out.println("jni: 400 scans, " + scan(args[0]).substring(0, want.length() + 1));
    }
}
