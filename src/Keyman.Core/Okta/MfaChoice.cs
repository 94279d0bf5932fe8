using Keyman.Core.Ui;

namespace Keyman.Core.Okta;

/// <summary>
/// Which enrolled MFA factor to use, the same way for Classic authn and the Identity Engine: the preferred factor
/// (<c>--factor</c>) when enrolled, the only one, else a menu on the terminal.
/// </summary>
internal static class MfaChoice
{
    public static async Task<T> ChooseAsync<T>(
        IReadOnlyList<T> usable, Func<T, MfaFactor> factorOf, MfaOptions options, ILog log, IInteraction interaction, CancellationToken cancellationToken)
    {
        var candidates = usable;
        if (!string.IsNullOrWhiteSpace(options.PreferredFactor))
        {
            var matches = usable.Where(c => factorOf(c).Matches(options.PreferredFactor)).ToList();
            if (matches.Count > 0)
            {
                candidates = matches;
            }
            else
            {
                log.Warning($"Preferred MFA factor \"{options.PreferredFactor.Trim()}\" is not enrolled or not supported; available: {string.Join(", ", usable.Select(c => factorOf(c).Key))}");
            }
        }

        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        if (!interaction.CanPrompt)
        {
            throw new KeymanException(ExitCodes.Usage, "Several MFA factors are enrolled and there is no terminal to choose one",
                $"Set a preferred MFA factor, one of: {string.Join(", ", candidates.Select(c => factorOf(c).Key).Distinct())}.");
        }

        var rows = candidates.Select(c => (IReadOnlyList<string>)[factorOf(c).Description]).ToList();
        var index = await interaction.ChooseAsync("Select an MFA factor", ["MFA factor"], rows, cancellationToken).ConfigureAwait(false);
        if (index < 0 || index >= candidates.Count)
        {
            throw new KeymanException(ExitCodes.Internal, $"The MFA menu returned {index}, which is not one of its rows");
        }

        return candidates[index];
    }
}
