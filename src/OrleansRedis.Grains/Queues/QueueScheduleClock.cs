using Cronos;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// When a recurring schedule ticks: a cron expression's occurrences in its time zone (Cronos), or multiples of the
/// interval since the Unix epoch, so every silo computes the same ticks without talking to the others.
/// </summary>
internal sealed class QueueScheduleClock
{
    private readonly CronExpression? _cron;
    private readonly TimeZoneInfo _zone;
    private readonly long _intervalMs;

    private QueueScheduleClock(CronExpression? cron, TimeZoneInfo zone, long intervalMs)
    {
        _cron = cron;
        _zone = zone;
        _intervalMs = intervalMs;
    }

    /// <summary>Checks <paramref name="schedule"/> and builds its clock; a bad field is <see cref="QueueErrorCode.Invalid"/>.</summary>
    public static QueueScheduleClock Create(string queue, RecurringSchedule schedule)
    {
        if ((schedule.Cron is null) == (schedule.Interval is null))
        {
            throw QueueRequests.Invalid(queue, "cron", "A schedule needs either a cron expression or an interval (intervalMs), not both.");
        }

        if (schedule.Interval is { } interval)
        {
            if (interval < TimeSpan.FromSeconds(1) || interval > TimeSpan.FromDays(366))
            {
                throw QueueRequests.Invalid(queue, "intervalMs", $"The interval must be between 1000 ms and 366 days (it was {(long)interval.TotalMilliseconds} ms).");
            }

            if (schedule.TimeZone is not null)
            {
                throw QueueRequests.Invalid(queue, "timeZone", "A time zone applies to a cron expression only.");
            }

            return new QueueScheduleClock(null, TimeZoneInfo.Utc, (long)interval.TotalMilliseconds);
        }

        var zone = TimeZoneInfo.Utc;
        if (schedule.TimeZone is { } id)
        {
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException || ex is ArgumentException)
            {
                throw QueueRequests.Invalid(queue, "timeZone", $"The time zone '{id}' is not known; use an IANA id such as Europe/Paris.");
            }
        }

        var fields = schedule.Cron!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            var cron = CronExpression.Parse(schedule.Cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return new QueueScheduleClock(cron, zone, 0);
        }
        catch (CronFormatException ex)
        {
            throw QueueRequests.Invalid(queue, "cron", $"The cron expression is invalid ({ex.Message}); use five fields (minute hour day month weekday) or six with seconds first.");
        }
    }

    /// <summary>The first tick strictly after <paramref name="afterMs"/>; <see langword="null"/> when there is none.</summary>
    public long? Next(long afterMs)
    {
        if (_cron is null)
        {
            return ((afterMs / _intervalMs) + 1) * _intervalMs;
        }

        return _cron.GetNextOccurrence(DateTimeOffset.FromUnixTimeMilliseconds(afterMs), _zone)?.ToUnixTimeMilliseconds();
    }

    /// <summary>The latest tick in (<paramref name="afterMs"/>, <paramref name="nowMs"/>]; <see langword="null"/> when none is due.</summary>
    public long? LatestDue(long afterMs, long nowMs)
    {
        if (_cron is null)
        {
            var latest = nowMs / _intervalMs * _intervalMs;
            return latest > afterMs ? latest : null;
        }

        // Walk back from now in windows that double (a minute, two, four...), so a long outage costs a few bounded
        // searches rather than a walk over every occurrence missed.
        var floor = DateTimeOffset.FromUnixTimeMilliseconds(afterMs);
        var to = DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
        var span = TimeSpan.FromMinutes(1);
        while (to > floor)
        {
            var from = to - span < floor ? floor : to - span;
            DateTimeOffset? last = null;
            foreach (var occurrence in _cron.GetOccurrences(from, to, _zone, fromInclusive: from != floor, toInclusive: true))
            {
                last = occurrence;
            }

            if (last is { } found)
            {
                return found.ToUnixTimeMilliseconds();
            }

            to = from;
            span = span < TimeSpan.FromDays(3650) ? span * 2 : span;
        }

        return null;
    }

    /// <summary>
    /// The ticks to enqueue at <paramref name="nowMs"/> after the last one, oldest first: each tick after
    /// <paramref name="lastTickMs"/> within <paramref name="catchUpMs"/> before now, at most <paramref name="max"/>
    /// (<paramref name="more"/> says some are left); when none is within the window, the latest missed one (<see cref="LatestDue"/>).
    /// </summary>
    public List<long> DueTicks(long lastTickMs, long nowMs, long catchUpMs, int max, out bool more)
    {
        var ticks = new List<long>();
        more = false;
        for (var tick = Next(Math.Max(lastTickMs, nowMs - catchUpMs)); tick is { } t && t <= nowMs; tick = Next(t))
        {
            if (ticks.Count == max)
            {
                more = true;
                break;
            }

            ticks.Add(t);
        }

        if (ticks.Count == 0 && LatestDue(lastTickMs, nowMs) is { } latest)
        {
            ticks.Add(latest);
        }

        return ticks;
    }
}
