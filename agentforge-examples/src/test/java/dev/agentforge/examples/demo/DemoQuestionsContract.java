package dev.agentforge.examples.demo;

import static dev.agentforge.examples.demo.DemoRuns.ask;
import static dev.agentforge.examples.demo.DemoRuns.queryDecimal;
import static dev.agentforge.examples.demo.DemoRuns.queryRows;
import static dev.agentforge.examples.demo.DemoRuns.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.RunStatus;
import dev.agentforge.event.Action;
import dev.agentforge.examples.demo.DemoRuns.Outcome;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo questions that query the database, run on any database that contains the sample data. Each
 * expected number is computed here with SQL written for the test, not copied from the model's rules.
 */
abstract class DemoQuestionsContract {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final List<String> ONE_QUERY = List.of("run_started", "thought", "action", "observation",
            "token", "done");
    private static final Pattern REVENUE_ANSWER = Pattern.compile(
            "Total revenue is (\\d+\\.\\d{2})\\. With 20% VAT added, that is (\\d+\\.\\d{2})\\.");

    /** The database that contains the sample data. */
    abstract DataSource database();

    BigDecimal revenue() throws Exception {
        return queryDecimal(database(), "SELECT SUM(unit_price * quantity) FROM orders WHERE status IN (?, ?)",
                "paid", "shipped");
    }

    static String money(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    @Test
    void totalRevenueWithVat() throws Exception {
        BigDecimal revenue = revenue();
        BigDecimal withVat = revenue.multiply(new BigDecimal("1.20"));

        Outcome outcome = ask(database(), CLOCK, "How much revenue did we make in total, with 20% VAT added?");

        assertThat(outcome.result().status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(outcome.types()).containsExactly("run_started", "thought", "action", "observation", "thought",
                "action", "observation", "token", "done");
        assertThat(outcome.actions()).extracting(Action::tool).containsExactly("sql_query", "calculator");
        assertThat(JSON.readTree(outcome.actions().get(1).arguments()).path("expression").asString())
                .isEqualTo(revenue.setScale(2).toPlainString() + " * 1.20");
        assertThat(outcome.answer()).isEqualTo("Total revenue is " + money(revenue) + ". With 20% VAT added, that is "
                + money(withVat) + ".");
    }

    @Test
    void totalRevenueWithoutVat() throws Exception {
        BigDecimal revenue = revenue();

        Outcome outcome = ask(database(), CLOCK, "What is our total revenue?");

        assertThat(outcome.types()).isEqualTo(ONE_QUERY);
        assertThat(outcome.actions()).extracting(Action::tool).containsExactly("sql_query");
        assertThat(outcome.answer()).startsWith("Total revenue is " + money(revenue) + " ");
        assertThat(outcome.answer()).doesNotContain("VAT");
    }

    @Test
    void newOrderChangesRevenueByItsValue() throws Exception {
        String question = "How much revenue did we make in total, with 20% VAT added?";
        Matcher before = answerNumbers(ask(database(), CLOCK, question));
        int orderId = queryDecimal(database(), "SELECT MAX(id) FROM orders").intValue() + 1;
        // The order is 2 x 25.00. Its value with VAT, 60.00, has two decimals, so rounding cannot blur the difference.
        BigDecimal value = new BigDecimal("50.00");
        update(database(), "INSERT INTO orders (id, customer_id, product_id, quantity, unit_price, ordered_at, status)"
                + " VALUES (?, 2, 7, 2, 25.00, ?, 'paid')", orderId, Timestamp.valueOf(LocalDateTime.of(2025, 6, 1, 9, 0)));
        try {
            Matcher after = answerNumbers(ask(database(), CLOCK, question));

            BigDecimal revenueChange = new BigDecimal(after.group(1)).subtract(new BigDecimal(before.group(1)));
            BigDecimal totalChange = new BigDecimal(after.group(2)).subtract(new BigDecimal(before.group(2)));
            assertThat(revenueChange).isEqualByComparingTo(value);
            assertThat(totalChange).isEqualByComparingTo(value.multiply(new BigDecimal("1.2")));
            assertThat(new BigDecimal(after.group(1))).isEqualByComparingTo(revenue());
        } finally {
            update(database(), "DELETE FROM orders WHERE id = ?", orderId);
        }
    }

    @Test
    void refundedOrderLeavesRevenueUnchanged() throws Exception {
        String question = "What is our total revenue?";
        String before = ask(database(), CLOCK, question).answer();
        int orderId = queryDecimal(database(), "SELECT MAX(id) FROM orders").intValue() + 1;
        update(database(), "INSERT INTO orders (id, customer_id, product_id, quantity, unit_price, ordered_at, status)"
                + " VALUES (?, 3, 1, 1, 1299.00, ?, 'refunded')", orderId, Timestamp.valueOf(LocalDateTime.of(2025, 6, 1, 9, 0)));
        try {
            String after = ask(database(), CLOCK, question).answer();

            assertThat(after).isEqualTo(before);
        } finally {
            update(database(), "DELETE FROM orders WHERE id = ?", orderId);
        }
    }

    @Test
    void revenueByCategory() throws Exception {
        List<List<Object>> expected = queryRows(database(), "SELECT p.category, SUM(o.unit_price * o.quantity) AS total"
                + " FROM products p JOIN orders o ON o.product_id = p.id WHERE o.status IN (?, ?)"
                + " GROUP BY p.category", "paid", "shipped");
        List<String> lines = new ArrayList<>();
        expected.stream()
                .sorted(Comparator.comparing((List<Object> row) -> new BigDecimal(row.get(1).toString())).reversed()
                        .thenComparing(row -> row.getFirst().toString()))
                .forEach(row -> lines.add("- " + row.get(0) + ": " + money(new BigDecimal(row.get(1).toString()))));

        Outcome outcome = ask(database(), CLOCK, "What is our revenue by product category?");

        assertThat(outcome.types()).isEqualTo(ONE_QUERY);
        assertThat(expected).hasSizeGreaterThan(1);
        assertThat(outcome.answer()).isEqualTo("Revenue by product category, refunded orders left out:\n"
                + String.join("\n", lines));
    }

    @Test
    void topCustomersByRevenue() throws Exception {
        List<List<Object>> perCustomer = queryRows(database(), "SELECT c.name, SUM(o.unit_price * o.quantity)"
                + " FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.status IN (?, ?) GROUP BY c.name",
                "paid", "shipped");
        List<List<Object>> top = perCustomer.stream()
                .sorted(Comparator.comparing((List<Object> row) -> new BigDecimal(row.get(1).toString())).reversed()
                        .thenComparing(row -> row.getFirst().toString()))
                .limit(3)
                .toList();
        StringBuilder expected = new StringBuilder("Top 3 customers by revenue:");
        for (int i = 0; i < top.size(); i++) {
            expected.append('\n').append(i + 1).append(". ").append(top.get(i).get(0)).append(": ")
                    .append(money(new BigDecimal(top.get(i).get(1).toString())));
        }

        Outcome outcome = ask(database(), CLOCK, "Who are our top 3 customers by revenue?");

        assertThat(outcome.types()).isEqualTo(ONE_QUERY);
        assertThat(JSON.readTree(outcome.actions().getFirst().arguments()).path("params").get(1).asInt()).isEqualTo(3);
        assertThat(outcome.answer()).isEqualTo(expected.toString());
    }

    @Test
    void ordersOfNamedCustomer() throws Exception {
        long orders = queryDecimal(database(), "SELECT COUNT(*) FROM orders WHERE customer_id ="
                + " (SELECT id FROM customers WHERE name = ?)", "Alice Martin").longValue();

        Outcome outcome = ask(database(), CLOCK, "How many orders has Alice Martin placed?");

        assertThat(outcome.types()).isEqualTo(ONE_QUERY);
        assertThat(JSON.readTree(outcome.actions().getFirst().arguments()).path("params").toString())
                .isEqualTo("[\"refunded\",\"Alice Martin\"]");
        assertThat(JSON.readTree(outcome.actions().getFirst().arguments()).path("sql").asString())
                .doesNotContain("Alice");
        assertThat(outcome.answer()).startsWith("Alice Martin has placed " + orders + " orders.");
    }

    @Test
    void ordersOfCustomerIgnoreCaseAndCountRefunds() throws Exception {
        long orders = queryDecimal(database(), "SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id"
                + " WHERE c.name = ?", "Bob Smith").longValue();
        long refunded = queryDecimal(database(), "SELECT COUNT(*) FROM orders o JOIN customers c"
                + " ON c.id = o.customer_id WHERE c.name = ? AND o.status = ?", "Bob Smith", "refunded").longValue();

        Outcome outcome = ask(database(), CLOCK, "how many orders were placed by bob smith so far?");

        assertThat(refunded).isGreaterThan(1);
        assertThat(outcome.answer()).isEqualTo("Bob Smith has placed " + orders + " orders. " + refunded
                + " of them were refunded.");
    }

    @Test
    void unknownCustomerGetsHonestAnswer() throws Exception {
        Outcome outcome = ask(database(), CLOCK, "How many orders has Zed Nobody placed?");

        assertThat(outcome.types()).isEqualTo(ONE_QUERY);
        assertThat(outcome.answer()).isEqualTo("There is no customer named Zed Nobody in the database, so there are"
                + " no orders to count.");
    }

    @Test
    void productsLowOnStock() throws Exception {
        List<List<Object>> low = queryRows(database(), "SELECT name, stock FROM products WHERE stock <= ?"
                + " ORDER BY stock, name", 9);
        StringBuilder expected = new StringBuilder("Products with fewer than 10 in stock:");
        for (List<Object> row : low) {
            expected.append("\n- ").append(row.get(0)).append(": ").append(row.get(1));
        }

        Outcome outcome = ask(database(), CLOCK, "Which products have fewer than 10 in stock?");

        assertThat(outcome.types()).isEqualTo(ONE_QUERY);
        assertThat(low).isNotEmpty();
        assertThat(outcome.answer()).isEqualTo(expected.toString());
    }

    @Test
    void lowStockUsesDefaultAndGivenThreshold() throws Exception {
        long belowTen = queryDecimal(database(), "SELECT COUNT(*) FROM products WHERE stock < 10").longValue();
        long belowFive = queryDecimal(database(), "SELECT COUNT(*) FROM products WHERE stock < 5").longValue();

        String byDefault = ask(database(), CLOCK, "Which products are running low on stock?").answer();
        String belowFiveAnswer = ask(database(), CLOCK, "Show products with stock under 5").answer();

        assertThat(byDefault).startsWith("Products with fewer than 10 in stock:");
        assertThat(byDefault.lines().count() - 1).isEqualTo(belowTen);
        assertThat(belowFiveAnswer).startsWith("Products with fewer than 5 in stock:");
        assertThat(belowFiveAnswer.lines().count() - 1).isEqualTo(belowFive);
    }

    private static Matcher answerNumbers(Outcome outcome) {
        Matcher matcher = REVENUE_ANSWER.matcher(outcome.answer());
        assertThat(matcher.matches()).as("answer: %s", outcome.answer()).isTrue();
        return matcher;
    }
}
