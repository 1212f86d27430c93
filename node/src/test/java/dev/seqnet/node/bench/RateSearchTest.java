package dev.seqnet.node.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The --rate 0 search against a system with a known capacity: every rate up to it is sustained. */
class RateSearchTest
{
    private static List<Double> run(final RateSearch search, final double capacity)
    {
        final List<Double> tried = new ArrayList<>();
        while (search.next() > 0)
        {
            tried.add(search.next());
            search.report(search.next() <= capacity);
        }
        return tried;
    }

    @Test
    void doublesThenBisectsToWithinThePrecisionBelowTheCapacity()
    {
        final RateSearch search = new RateSearch(1000, 10, 100_000, 0.05, 20);
        final List<Double> tried = run(search, 7300);
        assertEquals(List.of(1000.0, 2000.0, 4000.0, 8000.0), tried.subList(0, 4), "doubling until a step fails");
        assertTrue(search.best() <= 7300 && search.best() >= 7300 / 1.05, "best " + search.best() + " tried " + tried);
        assertTrue(tried.stream().noneMatch(r -> r > 8000), "never above the first failure: " + tried);
    }

    @Test
    void halvesWhenTheFirstStepFails()
    {
        final RateSearch search = new RateSearch(1000, 10, 100_000, 0.05, 20);
        final List<Double> tried = run(search, 300);
        assertEquals(List.of(1000.0, 500.0, 250.0), tried.subList(0, 3));
        assertTrue(search.best() <= 300 && search.best() >= 300 / 1.05, "best " + search.best() + " tried " + tried);
    }

    @Test
    void stopsAtTheCeilingAndAtTheFloor()
    {
        final RateSearch high = new RateSearch(1000, 10, 5000, 0.05, 20);
        assertEquals(List.of(1000.0, 2000.0, 4000.0, 5000.0), run(high, 1e9));
        assertEquals(5000.0, high.best());

        final RateSearch none = new RateSearch(100, 10, 5000, 0.05, 20);
        assertEquals(List.of(100.0, 50.0, 25.0, 13.0), run(none, 1));
        assertEquals(0.0, none.best());
    }

    @Test
    void stepBudgetEndsTheSearch()
    {
        final RateSearch search = new RateSearch(1000, 10, 1e9, 0.0001, 5);
        assertEquals(5, run(search, 123_456).size());
        assertEquals(5, search.steps());
        assertThrows(IllegalStateException.class, () -> search.report(true));
    }
}
