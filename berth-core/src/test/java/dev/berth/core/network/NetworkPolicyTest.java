package dev.berth.core.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.InvalidRequestException;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkPolicyTest {

    @Test
    void cidrsAreNormalizedAndCompared() {
        assertThat(Cidr.parse("f", "10.1.2.3/8")).hasToString("10.0.0.0/8");
        assertThat(Cidr.parse("f", " 198.51.100.7 ")).hasToString("198.51.100.7/32");
        assertThat(Cidr.parse("f", "0.0.0.0/0")).hasToString("0.0.0.0/0");
        assertThat(Cidr.parse("f", "10.0.0.0/8").overlaps(Cidr.parse("f", "10.200.0.0/16"))).isTrue();
        assertThat(Cidr.parse("f", "10.200.0.0/16").overlaps(Cidr.parse("f", "10.0.0.0/8"))).isTrue();
        assertThat(Cidr.parse("f", "11.0.0.0/8").overlaps(Cidr.parse("f", "10.0.0.0/8"))).isFalse();
        assertThat(Cidr.parse("f", "0.0.0.0/0").overlaps(Cidr.parse("f", "169.254.169.254"))).isTrue();
    }

    @Test
    void badEntriesAreNamed() {
        for (String bad : List.of("1.2.3/8", "1.2.3.4/33", "256.1.1.1", "a.b.c.d", "1.2.3.4/", "1.2.3.4/-1", "::1/128",
                "1.2.3.4/8/8", "01234.1.1.1")) {
            assertThatThrownBy(() -> NetworkPolicy.parseAllowList("198.51.100.0/24," + bad))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining(bad.trim());
        }
        assertThatThrownBy(() -> NetworkPolicy.parseAllowList("198.51.100.0/24,,10.0.0.0/8"))
                .hasMessageContaining("empty entry");
        for (String bad : List.of("bad..name", "-a.com", "a-.com", "com", "*.com", "a.b.123", "x_y.com", "*.*.a.com")) {
            assertThatThrownBy(() -> NetworkPolicy.parseDomainList("example.com," + bad))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining(bad);
        }
    }

    @Test
    void listsAreBoundedAndDeduplicated() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= NetworkPolicy.MAX_ENTRIES; i++) {
            many.append(i == 0 ? "" : ",").append("198.51.100.").append(i);
        }
        assertThatThrownBy(() -> NetworkPolicy.parseAllowList(many.toString())).hasMessageContaining("at most 32");
        assertThat(NetworkPolicy.parseAllowList("198.51.100.1,198.51.100.1/32")).hasSize(1);
        assertThat(NetworkPolicy.parseDomainList("Example.COM.,example.com")).containsExactly("example.com");
    }

    @Test
    void partialUpdatesKeepWhatIsLeftOut() {
        NetworkPolicy p = NetworkPolicy.OPEN.with(true, "198.51.100.0/24", null);
        assertThat(p.restricted()).isTrue();
        NetworkPolicy q = p.with(false, null, null);
        assertThat(q.blockAll()).isFalse();
        assertThat(q.allowListString()).isEqualTo("198.51.100.0/24");
        assertThat(q.with(null, "", null)).isEqualTo(NetworkPolicy.OPEN);
        assertThat(NetworkPolicy.OPEN.restricted()).isFalse();
    }

    @Test
    void theOperatorsCeilingRefusesOverlappingEntries() {
        List<Cidr> denied = List.of(Cidr.parse("d", "169.254.0.0/16"), Cidr.parse("d", "10.0.0.0/8"));
        NetworkPolicy.OPEN.with(false, "198.51.100.0/24", null).checkWithin(denied);
        assertThatThrownBy(() -> NetworkPolicy.OPEN.with(false, "198.51.100.0/24,0.0.0.0/0", null).checkWithin(denied))
                .hasMessageContaining("0.0.0.0/0 overlaps");
        assertThatThrownBy(() -> NetworkPolicy.OPEN.with(false, "169.254.169.254", null).checkWithin(denied))
                .hasMessageContaining("169.254.169.254/32");
    }

    @Test
    void wildcardsMatchNamesBelowOnly() {
        NetworkPolicy p = NetworkPolicy.OPEN.with(false, null, "*.example.com,api.test.org");
        assertThat(p.allowsName("a.example.com")).isTrue();
        assertThat(p.allowsName("a.b.example.com")).isTrue();
        assertThat(p.allowsName("example.com")).isFalse();
        assertThat(p.allowsName("badexample.com")).isFalse();
        assertThat(p.allowsName("api.test.org")).isTrue();
        assertThat(p.allowsName("x.api.test.org")).isFalse();
    }
}
