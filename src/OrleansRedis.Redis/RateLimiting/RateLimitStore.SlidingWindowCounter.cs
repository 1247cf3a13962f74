namespace OrleansRedis.Redis.RateLimiting;

public sealed partial class RateLimitStore
{
    /// <summary>
    /// The sliding window counter: two fixed buckets, the previous one weighted by the part of it still inside the
    /// sliding window (estimate = previous * (window - elapsed) / window + current). O(1) memory. The bucket grid is
    /// anchored at the key's first request (and re-anchored once both buckets are empty), so a fresh key gets exactly
    /// its limit and keys do not all roll over at the same instant. Denied requests record nothing; the retry-after is
    /// the exact time at which the estimate leaves room for the same cost.
    /// KEYS[1]: a HASH {a = grid anchor us, k = current bucket index, c = current count, p = previous count}.
    /// ARGV[1]: limit; ARGV[2]: window in microseconds; ARGV[3..]: the costs in arrival order (0 = peek).
    /// Replies in the rate-limit reply shape (see <see cref="RateLimitStore"/>): columns 'allowed', 'remaining',
    /// 'retry_us', 'reset_us' with one entry per request, then 'batch_remaining', 'batch_retry_us' (for cost 1), 'now_us'.
    /// </summary>
    public const string SlidingWindowCounterScript = """
        local key = KEYS[1]
        local limit = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local state = redis.call('HMGET', key, 'a', 'k', 'c', 'p')
        local anchor, bucket, cur, prev = now, 0, 0, 0
        if state[1] then
          anchor, bucket, cur, prev = tonumber(state[1]), tonumber(state[2]), tonumber(state[3]), tonumber(state[4])
        end
        local idx = math.floor((now - anchor) / window)
        if idx < bucket then idx = bucket end
        if idx == bucket + 1 then
          prev, cur = cur, 0
        elseif idx > bucket + 1 then
          prev, cur = 0, 0
        end
        if prev == 0 and cur == 0 then
          anchor, idx = now, 0
        end
        local elapsed = now - anchor - idx * window
        if elapsed < 0 then elapsed = 0 end
        local eps = 1e-6

        local function estimate()
          return prev * (window - elapsed) / window + cur
        end

        -- Time until n units fit, if nobody else spends anything.
        local function retry(n)
          if estimate() + n <= limit + eps then return 0 end
          if prev > 0 and limit - cur - n >= 0 then
            local at = window - (limit - cur - n) * window / prev
            return math.ceil(at - elapsed)
          end
          local at = 0
          if cur > 0 then
            at = window - (limit - n) * window / cur
            if at < 0 then at = 0 end
          end
          return math.ceil(window - elapsed + at)
        end

        local function remaining()
          local left = math.floor(limit - estimate() + eps)
          if left < 0 then return 0 end
          return left
        end

        local function reset()
          if cur > 0 then return math.ceil(2 * window - elapsed) end
          if prev > 0 then return math.ceil(window - elapsed) end
          return 0
        end

        local admitted = false
        local allowed, left, retry_us, reset_us = {}, {}, {}, {}
        for i = 3, #ARGV do
          local cost = tonumber(ARGV[i])
          local need = cost
          if need == 0 then need = 1 end
          local wait = retry(need)
          if cost > 0 and wait == 0 then
            cur = cur + cost
            admitted = true
          end
          if wait == 0 then allowed[#allowed + 1] = 1 else allowed[#allowed + 1] = 0 end
          left[#left + 1] = remaining()
          retry_us[#retry_us + 1] = wait
          reset_us[#reset_us + 1] = reset()
        end

        if admitted then
          redis.call('HSET', key, 'a', string.format('%.17g', anchor), 'k', idx, 'c', cur, 'p', prev)
          redis.call('PEXPIRE', key, math.ceil((2 * window - elapsed) / 1000) + 1)
        end

        return {'allowed', allowed, 'remaining', left, 'retry_us', retry_us, 'reset_us', reset_us,
          'batch_remaining', remaining(), 'batch_retry_us', retry(1), 'now_us', now}
        """;
}
