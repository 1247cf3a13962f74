namespace OrleansRedis.Redis.RateLimiting;

public sealed partial class RateLimitStore
{
    /// <summary>
    /// GCRA, the continuous token bucket (as in redis-cell and go-redis/redis_rate): one number per key, the
    /// theoretical arrival time (TAT). Each unit moves the TAT by the emission interval window / limit; a request fits
    /// when its new TAT is at most one window ahead of now. A full bucket allows a burst of limit at once, then one
    /// unit per interval, and the retry-after is exact. Denied requests leave the TAT alone. Comparisons allow 1 us of
    /// slack, since the interval is rarely a whole number of microseconds.
    /// KEYS[1]: a STRING holding the TAT in microseconds since the epoch (Redis TIME).
    /// ARGV[1]: limit; ARGV[2]: window in microseconds; ARGV[3..]: the costs in arrival order (0 = peek).
    /// Replies in the rate-limit reply shape (see <see cref="RateLimitStore"/>): columns 'allowed', 'remaining',
    /// 'retry_us', 'reset_us' with one entry per request, then 'batch_remaining', 'batch_retry_us' (for cost 1), 'now_us'.
    /// </summary>
    public const string TokenBucketScript = """
        local key = KEYS[1]
        local limit = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local interval = window / limit
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local tat = now
        local stored = redis.call('GET', key)
        if stored then
          tat = tonumber(stored)
          if tat < now then tat = now end
        end

        -- Time until n units fit, if nobody else spends anything.
        local function retry(n)
          local late = tat + n * interval - window - now
          if late <= 1 then return 0 end
          return math.ceil(late)
        end

        local function remaining()
          local left = math.floor((window - (tat - now)) / interval + 1e-6)
          if left < 0 then return 0 end
          if left > limit then return limit end
          return left
        end

        local admitted = false
        local allowed, left, retry_us, reset_us = {}, {}, {}, {}
        for i = 3, #ARGV do
          local cost = tonumber(ARGV[i])
          local need = cost
          if need == 0 then need = 1 end
          local wait = retry(need)
          if cost > 0 and wait == 0 then
            tat = tat + cost * interval
            admitted = true
          end
          if wait == 0 then allowed[#allowed + 1] = 1 else allowed[#allowed + 1] = 0 end
          left[#left + 1] = remaining()
          retry_us[#retry_us + 1] = wait
          reset_us[#reset_us + 1] = math.ceil(tat - now)
        end

        if admitted then
          redis.call('SET', key, string.format('%.17g', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
        end

        return {'allowed', allowed, 'remaining', left, 'retry_us', retry_us, 'reset_us', reset_us,
          'batch_remaining', remaining(), 'batch_retry_us', retry(1), 'now_us', now}
        """;
}
