package dev.opencomputer.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {

    @Test
    void readsTheUnitsConfigurationUses() {
        assertThat(ByteSize.parse("1024")).isEqualTo(ByteSize.ofKilobytes(1));
        assertThat(ByteSize.parse("512B").toBytes()).isEqualTo(512);
        assertThat(ByteSize.parse("64KB")).isEqualTo(ByteSize.ofKilobytes(64));
        assertThat(ByteSize.parse("256MB")).isEqualTo(ByteSize.ofMegabytes(256));
        assertThat(ByteSize.parse(" 8gb ")).isEqualTo(ByteSize.ofGigabytes(8));
        assertThat(ByteSize.parse("1TB").toBytes()).isEqualTo(1L << 40);
    }

    @Test
    void printsBytesLikeSpringsDataSizeSoMessagesStayTheSame() {
        assertThat(ByteSize.ofGigabytes(8)).hasToString("8589934592B");
        assertThat(ByteSize.valueOf("1KB")).hasToString("1024B");
    }

    @Test
    void rejectsWhatIsNotASize() {
        assertThatThrownBy(() -> ByteSize.parse("lots")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSize.parse("1PB")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSize.parse("-1MB")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ordersBySize() {
        assertThat(ByteSize.ofMegabytes(1)).isLessThan(ByteSize.ofMegabytes(2));
        assertThat(ByteSize.ofGigabytes(1).compareTo(ByteSize.ofMegabytes(1024))).isZero();
    }
}
