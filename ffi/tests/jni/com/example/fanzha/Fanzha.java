package com.example.fanzha;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java side of examples/android/fanzha_jni.c, run on the host JVM by ffi/scripts/ci.sh:
 * java com.example.fanzha.Fanzha MESSAGE EXPECTED_RISK scans MESSAGE from 4 threads and checks
 * every verdict has that risk, then checks that the link and entity spans of a message with
 * full-width text and an emoji before them pick the right substrings of the Java string.
 */
public final class Fanzha {
    static {
        System.loadLibrary("fanzha_jni");
    }

    private static native byte[] scanJson(byte[] utf8);

    /** {start, end, ...} of each link, in UTF-16 units of the string the bytes came from. */
    private static native int[] linkSpans(byte[] utf8);

    /** {start, end, ...} of each entity (phone number, ID, ...), likewise. */
    private static native int[] entitySpans(byte[] utf8);

    public static List<String> links(String text) {
        return substrings(text, linkSpans(text.getBytes(StandardCharsets.UTF_8)));
    }

    public static List<String> entities(String text) {
        return substrings(text, entitySpans(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> substrings(String text, int[] spans) {
        if (spans == null) return null;
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < spans.length; i += 2) out.add(text.substring(spans[i], spans[i + 1]));
        return out;
    }

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

        // Full-width and CJK text, a dodged link (U+70B9 for the dot), an emoji (U+1F600: 4 UTF-8
        // bytes, 2 UTF-16 units; CJK: 3 bytes, 1 unit), a plain link and a mobile number in
        // full-width digits. Escaped: javac 17 reads sources in the platform encoding.
        String text = "\u3010\uFF25\uFF34\uFF23\u3011\u8BF7\u767B\u5F55icbc-vip\u70B9top/login\u5904\u7406\uD83D\uDE00 www.example.com\uFF0C\u81F4\u7535\uFF11\uFF13\uFF18\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17\uFF18";
        List<String> links = links(text);
        List<String> entities = entities(text);
        if (!List.of("icbc-vip\u70B9top/login", "www.example.com").equals(links)
                || !List.of("\uFF11\uFF13\uFF18\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17\uFF18").equals(entities)) {
            System.err.println("unexpected spans: links " + links + ", entities " + entities);
            System.exit(1);
        }
        System.out.println("jni: " + links.size() + " link spans, " + entities.size() + " entity span: right substrings");
    }
}
