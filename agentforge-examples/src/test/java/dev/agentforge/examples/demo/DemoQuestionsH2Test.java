package dev.agentforge.examples.demo;

import static dev.agentforge.examples.demo.DemoRuns.ask;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentforge.agent.RunStatus;
import dev.agentforge.event.Action;
import dev.agentforge.event.RunStarted;
import dev.agentforge.examples.demo.DemoRuns.Outcome;
import dev.agentforge.jdbc.DataSources;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo questions on the embedded H2 database, plus the questions that need no database. */
class DemoQuestionsH2Test extends DemoQuestionsContract {

    private HikariDataSource database;

    @BeforeEach
    void openDatabase() {
        database = DemoDatabase.inMemory();
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Override
    DataSource database() {
        return database;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            calculate (2+3)*4                 | (2+3)*4 = 20.
            What is 2 ^ 10?                   | 2 ^ 10 = 1024.
            what is 5 plus 3 times 2          | 5 + 3 * 2 = 11.
            Compute sqrt(16) * 2.5            | sqrt(16) * 2.5 = 10.
            What is 17% of 2400?              | 17% of 2400 is 408.
            what's 12.5 percent of 80         | 12.5% of 80 is 10.
            """)
    void arithmetic(String question, String answer) throws Exception {
        Outcome outcome = ask(database, CLOCK, question);

        assertThat(outcome.types()).containsExactly("run_started", "thought", "action", "observation", "token", "done");
        assertThat(outcome.actions()).extracting(Action::tool).containsExactly("calculator");
        assertThat(outcome.answer()).isEqualTo(answer);
    }

    @Test
    void arithmeticErrorIsReported() throws Exception {
        Outcome outcome = ask(database, CLOCK, "calculate 1/0");

        assertThat(outcome.observations().getFirst().error()).contains("Division by zero");
        assertThat(outcome.answer()).isEqualTo("The calculator call failed, so I have no result to give you."
                + " The tool reported: " + outcome.observations().getFirst().error());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            What time is it in Tokyo?                 | Asia/Tokyo       | In Tokyo (Asia/Tokyo)
            what's the time in New York right now     | America/New_York | In New York (America/New_York)
            What time is it in Europe/Oslo?           | Europe/Oslo      | In Europe/Oslo
            what time is it                           | UTC              | In UTC
            """)
    void currentTime(String question, String zone, String place) throws Exception {
        ZonedDateTime now = ZonedDateTime.now(CLOCK.withZone(ZoneId.of(zone)));
        String expected = place + " it is " + now.format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " on "
                + now.getDayOfWeek().getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.ENGLISH)
                + ", " + now.toLocalDate() + ".";

        Outcome outcome = ask(database, CLOCK, question);

        assertThat(outcome.types()).containsExactly("run_started", "thought", "action", "observation", "token", "done");
        assertThat(outcome.actions()).extracting(Action::tool).containsExactly("current_time");
        assertThat(outcome.answer()).isEqualTo(expected);
    }

    @Test
    void unknownPlaceReportsToolError() throws Exception {
        Outcome outcome = ask(database, CLOCK, "What time is it in Springfield?");

        assertThat(outcome.observations().getFirst().failed()).isTrue();
        assertThat(outcome.answer()).startsWith("The current_time call failed, so I have no result to give you.");
        assertThat(outcome.answer()).contains("Unknown time zone 'Springfield'");
    }

    @Test
    void sqlErrorIsReportedNotInvented() throws Exception {
        String url = "jdbc:h2:mem:empty_" + UUID.randomUUID().toString().replace("-", "");
        try (HikariDataSource empty = DataSources.create(url, "sa", "")) {
            Outcome outcome = ask(empty, CLOCK, "How much revenue did we make in total, with 20% VAT added?");

            assertThat(outcome.result().status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(outcome.types()).containsExactly("run_started", "thought", "action", "observation", "token",
                    "done");
            assertThat(outcome.observations().getFirst().error()).contains("Table \"ORDERS\" not found");
            assertThat(outcome.answer()).startsWith("The sql_query call failed, so I have no result to give you.");
            assertThat(outcome.answer()).contains("Table \"ORDERS\" not found").doesNotContain("Total revenue");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Tell me a joke
            Delete all customers
            hello
            """)
    void fallbackExplainsScriptedModel(String question) throws Exception {
        Outcome outcome = ask(database, CLOCK, question);

        assertThat(outcome.types()).containsExactly("run_started", "token", "done");
        assertThat(outcome.answer()).isEqualTo(DemoModel.FALLBACK);
        assertThat(outcome.answer()).contains("offline scripted", "AGENTFORGE_MODEL", "OPENAI_API_KEY",
                "OPENAI_BASE_URL", "ANTHROPIC_API_KEY");
    }

    @Test
    void runStartedCarriesNote() throws Exception {
        Outcome outcome = ask(database, CLOCK, "hello");

        RunStarted started = (RunStarted) outcome.events().getFirst();
        assertThat(started.model()).isEqualTo("scripted");
        assertThat(started.modelNote()).isEqualTo(DemoModel.NOTE);
        assertThat(DemoModel.NOTE).contains("Offline scripted model", "AGENTFORGE_MODEL=openai:<model>",
                "anthropic:<model>");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Which category brings the most sales?          | Revenue by product category
            Show me sales per category                     | Revenue by product category
            Which customers spent the most?                | Top 3 customers by revenue:
            What's the turnover?                           | Total revenue is
            How much money did we make?                    | Total revenue is
            What is our revenue with VAT of 25%?           | Total revenue is
            Number of orders for Hana Sato                 | Hana Sato has placed
            How many orders did chen wei make?             | Chen Wei has placed
            What is out of stock?                          | Products with fewer than 1 in stock:
            """)
    void phrasingsReachTheirRule(String question, String answerStart) throws Exception {
        Outcome outcome = ask(database, CLOCK, question);

        assertThat(outcome.answer()).startsWith(answerStart);
    }

    @Test
    void vatRateComesFromQuestion() throws Exception {
        Outcome outcome = ask(database, CLOCK, "What is our revenue with VAT of 25%?");

        assertThat(outcome.actions()).extracting(Action::tool).containsExactly("sql_query", "calculator");
        assertThat(outcome.actions().get(1).arguments()).endsWith(" * 1.25\"}");
        assertThat(outcome.answer()).contains("With 25% VAT added, that is ");
    }

    @Test
    void topCustomersAcceptsNumberWords() throws Exception {
        Outcome outcome = ask(database, CLOCK, "Who are our best five customers?");

        assertThat(outcome.answer()).startsWith("Top 5 customers by revenue:");
        assertThat(outcome.answer().lines().toList()).hasSize(6);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Who are our top 0 customers?                   | 0
            Who are our top 51 customers?                  | 51
            Who are our top 99999999999999 customers?      | 99999999999999
            """)
    void topCustomersOutsideRangeAsksForNumber(String question, String count) throws Exception {
        Outcome outcome = ask(database, CLOCK, question);

        assertThat(outcome.types()).containsExactly("run_started", "token", "done");
        assertThat(outcome.actions()).isEmpty();
        assertThat(outcome.answer()).startsWith("I cannot list the top " + count + " customers");
        assertThat(outcome.answer()).contains("from 1 to 50");
        assertThat(outcome.answer()).doesNotContain("Top 1 customers");
    }

    @Test
    void toolsHaveDemoNamesAndSchema() {
        List<dev.agentforge.tool.Tool> tools = DemoTools.create(database, CLOCK);

        assertThat(tools).extracting(dev.agentforge.tool.Tool::name)
                .containsExactly("sql_query", "calculator", "current_time");
        assertThat(tools.getFirst().description()).contains("Table orders", "status CHARACTER VARYING(10) NOT NULL",
                DemoTools.REVENUE_DEFINITION);
    }
}
