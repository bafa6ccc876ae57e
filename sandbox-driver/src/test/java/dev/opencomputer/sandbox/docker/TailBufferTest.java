package dev.opencomputer.sandbox.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.sandbox.CapturedOutput;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TailBufferTest {

    @Test
    void keepsEverythingWhileItFits() {
        TailBuffer buffer = new TailBuffer(8);
        buffer.append(bytes("abc"));
        buffer.append(bytes("de"));
        CapturedOutput out = buffer.snapshot();
        assertThat(out.text()).isEqualTo("abcde");
        assertThat(out.truncated()).isFalse();
    }

    @Test
    void keepsOnlyTheLastBytesAndCountsAll() {
        TailBuffer buffer = new TailBuffer(4);
        buffer.append(bytes("abc"));
        buffer.append(bytes("def"));
        assertThat(buffer.snapshot().text()).isEqualTo("cdef");
        buffer.append(bytes("0123456789"));
        CapturedOutput out = buffer.snapshot();
        assertThat(out.text()).isEqualTo("6789");
        assertThat(out.totalBytes()).isEqualTo(16);
        assertThat(out.truncated()).isTrue();
    }

    @Test
    void wrapsExactlyAtTheBoundary() {
        TailBuffer buffer = new TailBuffer(4);
        buffer.append(bytes("abcd"));
        assertThat(buffer.snapshot().text()).isEqualTo("abcd");
        buffer.append(bytes("e"));
        assertThat(buffer.snapshot().text()).isEqualTo("bcde");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
