import { DisplayName } from '../command';

export class CreateTeamCommand {
  @DisplayName() name: string;
}
